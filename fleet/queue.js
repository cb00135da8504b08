/**
 * The event queue: a binary min-heap ordered by time, then by insertion order (so two events at the same
 * virtual millisecond run in the order they were scheduled, and a run is deterministic).
 */
export class EventQueue {
  constructor() {
    /** @type {{ t: number, seq: number }[]} */
    this.heap = []
    this.seq = 0
  }

  get size() {
    return this.heap.length
  }

  /** Schedules `event` (an object the caller may reuse once it has been popped) at time `t`. */
  push(event, t) {
    event.t = t
    event.seq = this.seq++
    const heap = this.heap
    let i = heap.length
    heap.push(event)
    while (i > 0) {
      const parent = (i - 1) >> 1
      const p = heap[parent]
      if (p.t < t || (p.t === t && p.seq < event.seq)) break
      heap[i] = p
      i = parent
    }
    heap[i] = event
  }

  pop() {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()
    const n = heap.length
    if (n > 0) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= n) break
        const r = l + 1
        let c = l
        if (r < n && (heap[r].t < heap[l].t || (heap[r].t === heap[l].t && heap[r].seq < heap[l].seq))) c = r
        const child = heap[c]
        if (last.t < child.t || (last.t === child.t && last.seq < child.seq)) break
        heap[i] = child
        i = c
      }
      heap[i] = last
    }
    return top
  }
}
