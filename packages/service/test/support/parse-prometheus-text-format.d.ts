// Types for parse-prometheus-text-format (it ships none): what its README documents it returns.
declare module 'parse-prometheus-text-format' {
  interface PrometheusSample {
    readonly value?: string
    readonly labels?: Readonly<Record<string, string>>
    /** Histograms: cumulative counts by upper bound (`le`). */
    readonly buckets?: Readonly<Record<string, string>>
    readonly count?: string
    readonly sum?: string
  }
  interface PrometheusFamily {
    readonly name: string
    readonly help: string
    readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED'
    readonly metrics: readonly PrometheusSample[]
  }
  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[]
}
