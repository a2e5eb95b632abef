// Prometheus metrics of one server instance (api.md "GET /metrics"): requests, errors by code, latency, queue, batches,
// tokens, and the process itself (memory, CPU, GC, thread pool).
using JinaEmbed.Embedding.Scheduling;
using Prometheus;

namespace JinaEmbed.Server;

/// <summary>Metrics in a registry of their own, so several servers in one process (tests) do not mix.</summary>
internal sealed class ServerMetrics
{
    private readonly Counter requests;
    private readonly Counter errors;
    private readonly Histogram requestSeconds;
    private readonly Histogram queueSeconds;
    private readonly Gauge queueDepth;
    private readonly Counter batches;
    private readonly Histogram batchTokens;
    private readonly Histogram batchSequences;
    private readonly Histogram batchRequests;
    private readonly Counter tokens;
    private readonly Histogram forwardSeconds;
    private Func<int>? queueDepthSource;

    public ServerMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        requests = factory.CreateCounter("jinaembed_http_requests_total", "HTTP requests by route and status code.", ["route", "status"]);
        errors = factory.CreateCounter("jinaembed_request_errors_total", "Error responses by their error code (the code field of the body).", ["code"]);
        requestSeconds = factory.CreateHistogram("jinaembed_http_request_duration_seconds", "HTTP request latency by route.", ["route"], new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
        queueSeconds = factory.CreateHistogram("jinaembed_queue_time_seconds", "Time an embeddings request waited for its first batch.", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });
        queueDepth = factory.CreateGauge("jinaembed_queue_depth", "Sequences waiting for a batch.");
        batches = factory.CreateCounter("jinaembed_batches_total", "Forward passes run.");
        batchTokens = factory.CreateHistogram("jinaembed_batch_tokens", "Tokens per forward pass.", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(16, 2, 12) });
        batchSequences = factory.CreateHistogram("jinaembed_batch_sequences", "Sequences per forward pass.", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 11) });
        batchRequests = factory.CreateHistogram("jinaembed_batch_requests", "Distinct requests per forward pass.", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 11) });
        tokens = factory.CreateCounter("jinaembed_tokens_processed_total", "Tokens run through the model.");
        forwardSeconds = factory.CreateHistogram("jinaembed_forward_seconds", "Forward-pass time.", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 18) });
        Registry.AddBeforeCollectCallback(() => queueDepth.Set(queueDepthSource?.Invoke() ?? 0));

        // prometheus-net's process and .NET collectors: process_cpu_seconds_total, process_working_set_bytes (resident
        // memory), process_num_threads, dotnet_collection_count_total{generation}, dotnet_total_memory_bytes (GC heap).
        DotNetStats.Register(Registry);

        // The thread pool, which they leave out: starved pools show as many threads and a growing queue.
        var poolThreads = factory.CreateGauge("dotnet_threadpool_threads", "Thread-pool threads.");
        var poolQueue = factory.CreateGauge("dotnet_threadpool_queue_length", "Work items waiting for a thread-pool thread.");
        var heapBytes = factory.CreateGauge("dotnet_gc_heap_size_bytes", "GC heap size after the last collection.");
        Registry.AddBeforeCollectCallback(() =>
        {
            poolThreads.Set(ThreadPool.ThreadCount);
            poolQueue.Set(ThreadPool.PendingWorkItemCount);
            heapBytes.Set(GC.GetGCMemoryInfo().HeapSizeBytes);
        });
    }

    /// <summary>The registry /metrics exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Starts following a scheduler's batches and queue.</summary>
    public void Observe(BatchScheduler scheduler)
    {
        queueDepthSource = () => scheduler.QueuedSequences;
        scheduler.BatchCompleted += OnBatch;
    }

    public void RecordRequest(string route, int status, TimeSpan elapsed)
    {
        requests.WithLabels(route, status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        requestSeconds.WithLabels(route).Observe(elapsed.TotalSeconds);
    }

    /// <summary>Counts an error response by its code.</summary>
    public void RecordError(string code) => errors.WithLabels(code).Inc();

    public void RecordQueueTime(TimeSpan queueTime) => queueSeconds.Observe(queueTime.TotalSeconds);

    private void OnBatch(BatchRecord batch)
    {
        batches.Inc();
        batchTokens.Observe(batch.TokenCount);
        batchSequences.Observe(batch.SequenceCount);
        batchRequests.Observe(batch.RequestCount);
        tokens.Inc(batch.TokenCount);
        forwardSeconds.Observe(batch.ForwardTime.TotalSeconds);
    }
}
