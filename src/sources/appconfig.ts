// Placeholder for AWS AppConfig (issue 14b): entries `appconfig:<application>/<environment>/<profile>`.
// The store's kind goes here (a StoreKind: recognises the `appconfig:` prefix, parses, makes a LazySource over
// ./stores/appconfig.ts with `@aws-sdk/client-appconfigdata`), and one line in registry.ts registers it.
// Until then `appconfig:` is refused at construction as a prefix this package does not know.
export {}
