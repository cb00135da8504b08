/**
 * An SVG chart of store calls per second over time, with the quota as a line. Plain strings, no
 * dependency. Each pixel column shows the largest 1-second count it covers, so peaks survive the
 * downsampling; a deploy burst far above the quota is clipped and its peak written on the chart.
 */

const W = 960
const H = 400
const M = { left: 64, right: 24, top: 48, bottom: 72 }
const PW = W - M.left - M.right
const PH = H - M.top - M.bottom

const xml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** A "nice" step (1, 2 or 5 × 10^n) giving about `count` ticks up to `max`. */
const niceStep = (max, count) => {
  const raw = max / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const unit = raw / power
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power
}

/** The largest value of `series` in each of `columns` equal slices of [0, seconds). */
const columnsMax = (series, seconds, columns) => {
  const out = new Float64Array(columns)
  for (let x = 0; x < columns; x++) {
    const from = Math.floor((x * seconds) / columns)
    const to = Math.max(from + 1, Math.floor(((x + 1) * seconds) / columns))
    let max = 0
    for (let s = from; s < to && s < seconds; s++) if (series[s] > max) max = series[s]
    out[x] = max
  }
  return out
}

/**
 * @param {object} result what simulate() returns
 * @param {{ title?: string }} [options]
 * @returns {string} an SVG document
 */
export const chart = (result, options = {}) => {
  const { seconds, perSecond, calls } = result
  const quota = result.options.quota
  const finiteQuota = Number.isFinite(quota)
  const peak = calls.all.peak
  // Room for the steady state and the quota; a burst more than three times the quota is clipped.
  const wanted = Math.max(calls.steady.peak, finiteQuota ? quota : 0, 1)
  const top = Math.max(1, Math.min(peak, finiteQuota ? Math.max(3 * quota, wanted) : peak)) * 1.1
  const clipped = peak > top
  const columns = Math.min(PW, seconds)
  const step = PW / columns
  const yOf = (v) => M.top + PH - (Math.min(v, top) / top) * PH
  const xOf = (s) => M.left + (s / seconds) * PW
  const line = (series) => {
    const values = columnsMax(series, seconds, columns)
    let d = ''
    for (let x = 0; x < columns; x++) {
      const px = (M.left + x * step + step / 2).toFixed(1)
      d += `${x === 0 ? 'M' : 'L'}${px},${yOf(values[x]).toFixed(1)}`
    }
    return d
  }

  const parts = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
  )
  const title =
    options.title ??
    `${result.options.containers} containers × ${result.options.params} parameters, cacheExpiry ${result.options.expiry} s, jitter ${result.options.jitter}`
  parts.push(`<text x="${M.left}" y="24" font-size="15" font-weight="600">${xml(title)}</text>`)

  // Y axis: grid and labels.
  const yStep = niceStep(top, 8)
  for (let v = 0; v <= top; v += yStep) {
    const y = yOf(v).toFixed(1)
    parts.push(
      `<line x1="${M.left}" x2="${M.left + PW}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`,
      `<text x="${M.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#374151">${v}</text>`,
    )
  }
  parts.push(
    `<text transform="translate(18 ${M.top + PH / 2}) rotate(-90)" text-anchor="middle" fill="#374151">store calls per second</text>`,
  )

  // X axis: minutes.
  const minutes = seconds / 60
  const xStep = niceStep(minutes, 8)
  for (let m = 0; m <= minutes + 1e-9; m += xStep) {
    const x = xOf(m * 60).toFixed(1)
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${M.top + PH}" y2="${M.top + PH + 5}" stroke="#374151"/>`,
      `<text x="${x}" y="${M.top + PH + 18}" text-anchor="middle" fill="#374151">${Math.round(m * 10) / 10}</text>`,
    )
  }
  parts.push(
    `<text x="${M.left + PW / 2}" y="${M.top + PH + 36}" text-anchor="middle" fill="#374151">minutes since the deploy began</text>`,
    `<line x1="${M.left}" x2="${M.left + PW}" y1="${M.top + PH}" y2="${M.top + PH}" stroke="#374151"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + PH}" stroke="#374151"/>`,
  )

  // Series.
  parts.push(
    `<path d="${line(perSecond.calls)}" fill="none" stroke="#2563eb" stroke-width="1.2"/>`,
    `<path d="${line(perSecond.throttled)}" fill="none" stroke="#dc2626" stroke-width="1.2"/>`,
  )
  if (finiteQuota) {
    const y = yOf(quota).toFixed(1)
    parts.push(
      `<line x1="${M.left}" x2="${M.left + PW}" y1="${y}" y2="${y}" stroke="#111827" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    )
  }
  if (result.rotation.atMs !== undefined) {
    const x = xOf(result.rotation.atMs / 1000).toFixed(1)
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${M.top}" y2="${M.top + PH}" stroke="#9333ea" stroke-width="1" stroke-dasharray="2 3"/>`,
      `<text x="${Number(x) + 4}" y="${M.top + 12}" fill="#9333ea">rotation</text>`,
    )
  }
  if (clipped) {
    const x = Math.min(xOf(calls.all.peakAt) + 6, M.left + PW - 260)
    parts.push(
      `<text x="${x.toFixed(1)}" y="${M.top + 12}" fill="#2563eb">↑ clipped: peak ${peak} calls/s at ${calls.all.peakAt} s</text>`,
    )
  }

  // Legend.
  const ly = H - 14
  const legend = [
    ['#2563eb', '', `calls reaching the store (largest 1-s count per ${(seconds / columns).toFixed(1)} s)`],
    ['#dc2626', '', 'of which throttled'],
  ]
  if (finiteQuota) legend.push(['#111827', '6 4', `quota ${quota}/s`])
  let lx = M.left
  for (const [color, dash, label] of legend) {
    parts.push(
      `<line x1="${lx}" x2="${lx + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      `<text x="${lx + 30}" y="${ly}" fill="#111827">${xml(label)}</text>`,
    )
    lx += 30 + label.length * 6.2 + 24
  }
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}
