// Placeholder for DynamoDB (issue 14c): entries `dynamodb:<table>/<id>` and `dynamodb:<table>/<id>/`.
// The store's kind goes here (a StoreKind: recognises the `dynamodb:` prefix, declares its object-form
// attribute-name fields in `fields`, makes a LazySource over ./stores/dynamodb.ts with `@aws-sdk/client-dynamodb`),
// and one line in registry.ts registers it. Until then `dynamodb:` is refused at construction as an unknown prefix.
export {}
