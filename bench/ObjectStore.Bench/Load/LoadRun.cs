using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace ObjectStore.Bench.Load;

/// <summary>One execution of a workload: the pool, the recorders and the workers of each mode.</summary>
internal sealed class LoadRun(LoadSpec spec, ILoadTarget target, TextWriter progress)
{
    /// <summary>Throughput mode's cap on operations in flight (as objectstore's stresstest).</summary>
    public const int ThroughputInFlight = 100;

    /// <summary>Deletes per cleanup batch request (the server's per-request limit).</summary>
    public const int CleanupBatchSize = 1000;

    private readonly ObjectPool _pool = new();
    private readonly SizeSampler _sizes = new(spec.Sizes);
    private readonly OperationRecorder _writes = new();
    private readonly OperationRecorder _reads = new();
    private readonly OperationRecorder _deletes = new();
    private readonly OperationRecorder _batches = new();
    private readonly OperationRecorder _cleanup = new();
    private long _objects;
    private int _workers;

    public async Task<LoadResult> ExecuteAsync(CancellationToken ct)
    {
        var machine = MachineInfo.Current();
        if (spec.Prefill > 0) await PrefillAsync(ct);
        Log($"{spec.Mode.ToString().ToLowerInvariant()}, concurrency {spec.Concurrency}, {spec.Duration.TotalSeconds:0.###} s on {target.Kind} (load average {MachineInfo.LoadAverage()})");

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reporter = ReportProgressAsync(clock, stopProgress.Token);
        var measured = spec.Mode switch
        {
            WorkloadMode.Weighted => WorkersAsync(spec.Concurrency, (rng, _) => WeightedWorkerAsync(rng, clock, ct)),
            WorkloadMode.Throughput => ThroughputAsync(clock, ct),
            _ => WorkersAsync(spec.Concurrency, (rng, _) => BatchWorkerAsync(rng, clock, ct)),
        };
        try
        {
            await measured;
        }
        finally
        {
            await stopProgress.CancelAsync();
            await reporter;
        }
        var elapsed = clock.Elapsed;
        var recorders = new Dictionary<string, OperationRecorder>
        {
            ["write"] = _writes,
            ["read"] = _reads,
            ["delete"] = _deletes,
            ["batch"] = _batches,
        };
        var busy = recorders.Values.Sum(r => r.BusyTicks);
        var operations = recorders.Where(r => r.Value.Used).ToDictionary(r => r.Key, r => r.Value.Snapshot(elapsed));
        var total = OperationRecorder.Total(recorders.Values, elapsed);

        if (spec.Cleanup)
        {
            var cleanupElapsed = await CleanupAsync(ct);
            operations["cleanup"] = _cleanup.Snapshot(cleanupElapsed);
        }
        Log($"done: {total.Count} ops, {total.Failures} failed, {total.OpsPerSecond:0} ops/s");
        return new LoadResult
        {
            Spec = spec,
            TargetKind = target.Kind,
            TargetUri = target.Uri,
            Machine = machine,
            Started = started,
            Elapsed = elapsed,
            Operations = operations,
            Total = total,
            ConcurrencyAchieved = elapsed > TimeSpan.Zero ? Math.Round(busy / (elapsed.TotalSeconds * Stopwatch.Frequency), 2) : 0,
        };
    }

    private ObjectToWrite NextObject(Rng rng, int? organization = null) => new(
        organization ?? rng.Next(spec.Organizations),
        _sizes.Sample(rng),
        Rng.Derive(spec.Seed, Interlocked.Increment(ref _objects)));

    private Task WorkersAsync(int count, Func<Rng, int, Task> worker) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i =>
        {
            var rng = new Rng(Rng.Derive(spec.Seed ^ 0x5EED, Interlocked.Increment(ref _workers)));
            return Task.Run(() => worker(rng, i));
        }));

    private async Task PrefillAsync(CancellationToken ct)
    {
        Log($"prefill: writing {spec.Prefill} objects");
        var remaining = spec.Prefill;
        var scratch = new OperationRecorder();
        await WorkersAsync(spec.Concurrency, async (rng, _) =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0) await WriteAsync(NextObject(rng), scratch, ct);
        });
        var stats = scratch.Snapshot(TimeSpan.FromSeconds(1));
        if (stats.Failures > 0)
            throw new InvalidOperationException($"prefill: {stats.Failures} of {spec.Prefill} writes failed; first: {stats.FirstError}");
    }

    private async Task WeightedWorkerAsync(Rng rng, Stopwatch clock, CancellationToken ct)
    {
        var actions = spec.Actions;
        var sum = actions.Writes + actions.Reads + actions.Deletes;
        while (clock.Elapsed < spec.Duration)
        {
            ct.ThrowIfCancellationRequested();
            var draw = rng.Next(sum);
            if (draw < actions.Writes)
            {
                await WriteAsync(NextObject(rng), _writes, ct);
            }
            else if (draw < actions.Writes + actions.Reads)
            {
                if (_pool.TakeForRead(rng, spec.Reads, spec.HotKeys) is { } lease) await ReadAsync(lease, ct);
                else if (actions.Writes == 0) await Task.Delay(1, ct);
            }
            else if (_pool.TakeForDelete(rng) is { } stored)
            {
                await DeleteAsync(stored, _deletes, ct);
            }
            else if (actions.Writes == 0)
            {
                await Task.Delay(1, ct);
            }
        }
    }

    private async Task ThroughputAsync(Stopwatch clock, CancellationToken ct)
    {
        var rng = new Rng(Rng.Derive(spec.Seed ^ 0x7A9E, 0));
        using var slots = new SemaphoreSlim(ThroughputInFlight);
        long writes = 0, reads = 0, deletes = 0;
        while (clock.Elapsed < spec.Duration)
        {
            await slots.WaitAsync(ct);
            var seconds = clock.Elapsed.TotalSeconds;
            Func<Task>? operation = null;
            if (writes < seconds * spec.Actions.Writes)
            {
                writes++;
                var item = NextObject(rng);
                operation = () => WriteAsync(item, _writes, ct);
            }
            else if (reads < seconds * spec.Actions.Reads && _pool.TakeForRead(rng, spec.Reads, spec.HotKeys) is { } lease)
            {
                reads++;
                operation = () => ReadAsync(lease, ct);
            }
            else if (deletes < seconds * spec.Actions.Deletes && _pool.TakeForDelete(rng) is { } stored)
            {
                deletes++;
                operation = () => DeleteAsync(stored, _deletes, ct);
            }
            if (operation is null)
            {
                slots.Release();
                await Task.Delay(10, ct);
                continue;
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    await operation();
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None);
        }
        // Every slot back means every operation finished.
        for (var i = 0; i < ThroughputInFlight; i++) await slots.WaitAsync(ct);
    }

    private async Task BatchWorkerAsync(Rng rng, Stopwatch clock, CancellationToken ct)
    {
        while (clock.Elapsed < spec.Duration)
        {
            var organization = rng.Next(spec.Organizations);
            var items = new ObjectToWrite[spec.BatchSize];
            for (var i = 0; i < items.Length; i++) items[i] = NextObject(rng, organization);
            var start = Stopwatch.GetTimestamp();
            try
            {
                var outcome = await target.WriteBatchAsync(spec, organization, items, ct);
                var ticks = Stopwatch.GetTimestamp() - start;
                foreach (var stored in outcome.Succeeded) _pool.Add(stored);
                Record(_batches, ticks, outcome);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                _batches.Failure(Stopwatch.GetTimestamp() - start, Describe(e), items.Length);
            }
        }
    }

    private static void Record(OperationRecorder recorder, long ticks, BatchOutcome outcome)
    {
        if (outcome.Succeeded.Count > 0)
            recorder.Success(ticks, outcome.Succeeded.Sum(s => s.Size), outcome.Succeeded.Count, outcome.Succeeded.Select(s => s.Size));
        if (outcome.Failures > 0) recorder.Failure(outcome.Succeeded.Count > 0 ? 0 : ticks, outcome.FirstError ?? "batch operation failed", outcome.Failures);
    }

    private async Task WriteAsync(ObjectToWrite item, OperationRecorder recorder, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var stored = await target.WriteAsync(spec, item, ct);
            recorder.Success(Stopwatch.GetTimestamp() - start, item.Size);
            _pool.Add(stored);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            recorder.Failure(Stopwatch.GetTimestamp() - start, Describe(e));
        }
    }

    private async Task ReadAsync(ObjectPool.Lease lease, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await target.ReadAsync(spec, lease.Object, ct);
            _reads.Success(Stopwatch.GetTimestamp() - start, lease.Object.Size);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            _reads.Failure(Stopwatch.GetTimestamp() - start, Describe(e));
        }
        finally
        {
            _pool.Release(lease);
        }
    }

    private async Task DeleteAsync(StoredObject stored, OperationRecorder recorder, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await target.DeleteAsync(spec, stored, ct);
            recorder.Success(Stopwatch.GetTimestamp() - start, stored.Size);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            recorder.Failure(Stopwatch.GetTimestamp() - start, Describe(e));
        }
    }

    // Targets with batch requests clean up 1000 deletes per request (one scope each); the rest one by one.
    private async Task<TimeSpan> CleanupAsync(CancellationToken ct)
    {
        var all = _pool.Drain();
        if (all.Count == 0) return TimeSpan.Zero;
        Log($"cleanup: deleting {all.Count} objects");
        var clock = Stopwatch.StartNew();
        if (target.SupportsBatch)
        {
            var batches = new ConcurrentQueue<StoredObject[]>(all.GroupBy(s => s.Organization).SelectMany(g => g.Chunk(CleanupBatchSize)));
            await WorkersAsync(spec.Concurrency, async (_, _) =>
            {
                while (batches.TryDequeue(out var batch)) await DeleteBatchAsync(batch, ct);
            });
        }
        else
        {
            var queue = new ConcurrentQueue<StoredObject>(all);
            await WorkersAsync(spec.Concurrency, async (_, _) =>
            {
                while (queue.TryDequeue(out var stored)) await DeleteAsync(stored, _cleanup, ct);
            });
        }
        return clock.Elapsed;
    }

    private async Task DeleteBatchAsync(StoredObject[] batch, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var outcome = await target.DeleteBatchAsync(spec, batch[0].Organization, batch, ct);
            Record(_cleanup, Stopwatch.GetTimestamp() - start, outcome);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            _cleanup.Failure(Stopwatch.GetTimestamp() - start, Describe(e), batch.Length);
        }
    }

    private async Task ReportProgressAsync(Stopwatch clock, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var total = OperationRecorder.Total([_writes, _reads, _deletes, _batches], clock.Elapsed);
                Log(string.Create(CultureInfo.InvariantCulture,
                    $"{clock.Elapsed.TotalSeconds:0}s: {total.Count} ops ({total.Failures} failed), {total.OpsPerSecond:0} ops/s, {total.BytesPerSecond / (1024 * 1024):0.0} MiB/s, pool {_pool.Count}"));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Log(string line)
    {
        lock (progress) progress.WriteLine($"[{spec.Name} → {target.Kind}] {line}");
    }

    /// <summary>The text kept as an operation's error: the exception type and message, inner ones included.</summary>
    internal static string Describe(Exception e)
    {
        var text = $"{e.GetType().Name}: {e.Message}";
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException) text += $" ← {inner.GetType().Name}: {inner.Message}";
        return text;
    }
}
