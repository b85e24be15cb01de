// One per wrap run: once the service looked down (network error, 5xx, 429 after the client's retries)
// or refused this API key, nothing else in the run tries to reach it: the rest goes to the spool.
// During an outage a run therefore makes the requests of one delivery attempt, not one per report.
export class Breaker {
  reason: string | undefined
  get open(): boolean {
    return this.reason !== undefined
  }
  trip(reason: string): void {
    this.reason ??= reason
  }
}
