// A persistent pool of Threads − 1 workers owned by one ComputeContext: the caller runs work items
// too, so exactly Threads threads compute. Workers spin briefly between jobs (a forward pass issues
// many small GEMMs back to back), then sleep, and exit after a long idle time (issue #4).
using System.Diagnostics;

namespace JinaEmbed.Compute;

/// <summary>Fork-join worker pool with low dispatch latency.</summary>
internal sealed class ComputeWorkerPool
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs
    private static readonly TimeSpan IdleExit = TimeSpan.FromSeconds(10);

    private readonly int _workers;
    private readonly object _sync = new();
    private int _alive;
    private int _busy;
    private Job? _job;
    private int _generation;

    public ComputeWorkerPool(int workers) => _workers = workers;

    /// <summary>Runs body(i) for i in [0, count); nested or concurrent calls run inline on the caller.</summary>
    public void Run(int count, Action<int> body)
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        try
        {
            var job = new Job(body, count);
            lock (_sync)
            {
                while (_alive < _workers)
                {
                    _alive++;
                    var thread = new Thread(WorkerLoop) { IsBackground = true, Name = "JinaEmbed compute" };
                    thread.Start();
                }

                Volatile.Write(ref _job, job);
                _generation++;
                Monitor.PulseAll(_sync);
            }

            job.Execute();
            var spin = default(SpinWait);
            while (Volatile.Read(ref job.Done) < count)
            {
                spin.SpinOnce(-1);
            }

            if (job.Error is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(job.Error).Throw();
            }
        }
        finally
        {
            Volatile.Write(ref _job, null);
            Volatile.Write(ref _busy, 0);
        }
    }

    private void WorkerLoop()
    {
        int seen;
        lock (_sync)
        {
            seen = _generation - 1; // a job published before this thread started is still picked up
        }

        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _generation) == seen && Stopwatch.GetTimestamp() - start < SpinTicks)
            {
                Thread.SpinWait(20);
            }

            lock (_sync)
            {
                while (_generation == seen)
                {
                    if (!Monitor.Wait(_sync, IdleExit) && _generation == seen)
                    {
                        _alive--;
                        return;
                    }
                }

                seen = _generation;
            }

            Volatile.Read(ref _job)?.Execute();
        }
    }

    private sealed class Job(Action<int> body, int count)
    {
        public int Next;
        public int Done;
        public Exception? Error;

        public void Execute()
        {
            int i;
            while ((i = Interlocked.Increment(ref Next) - 1) < count)
            {
                try
                {
                    body(i);
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref Error, ex, null);
                }

                Interlocked.Increment(ref Done);
            }
        }
    }
}
