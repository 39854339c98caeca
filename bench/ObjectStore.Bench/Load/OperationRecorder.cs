using System.Diagnostics;
using ObjectStore.Bench.Measuring;

namespace ObjectStore.Bench.Load;

/// <summary>Counts, sizes and latencies of one operation type; shared by all workers (a short lock per record).</summary>
internal sealed class OperationRecorder
{
    private readonly Lock _lock = new();
    private readonly LatencyHistogram _latency = new();
    private readonly LatencyHistogram _sizes = new();
    private long _count;
    private long _failures;
    private long _bytes;
    private long _latencyTicks;
    private string? _firstError;

    /// <summary>Whether anything was recorded.</summary>
    public bool Used
    {
        get
        {
            lock (_lock) return _count + _failures > 0;
        }
    }

    /// <summary>Total Stopwatch ticks spent in operations (for the achieved concurrency).</summary>
    public long BusyTicks
    {
        get
        {
            lock (_lock) return _latencyTicks;
        }
    }

    /// <summary>Records <paramref name="operations"/> successful operations of <paramref name="bytes"/> together (a batch) taking <paramref name="ticks"/>.</summary>
    public void Success(long ticks, long bytes, int operations = 1, IEnumerable<long>? sizes = null)
    {
        lock (_lock)
        {
            _latency.Record(ticks);
            _latencyTicks += ticks;
            _count += operations;
            _bytes += bytes;
            if (sizes is null) _sizes.Record(bytes);
            else foreach (var size in sizes) _sizes.Record(size);
        }
    }

    /// <summary>Records <paramref name="operations"/> failed operations and keeps the first error's text.</summary>
    public void Failure(long ticks, string error, int operations = 1)
    {
        lock (_lock)
        {
            _latencyTicks += ticks;
            _failures += operations;
            _firstError ??= error;
        }
    }

    /// <summary>The figures over a phase of <paramref name="elapsed"/>.</summary>
    public OperationStats Snapshot(TimeSpan elapsed)
    {
        lock (_lock) return Stats(_latency, _sizes, _count, _failures, _bytes, _firstError, elapsed);
    }

    /// <summary>All <paramref name="recorders"/> together.</summary>
    public static OperationStats Total(IEnumerable<OperationRecorder> recorders, TimeSpan elapsed)
    {
        var latency = new LatencyHistogram();
        var sizes = new LatencyHistogram();
        long count = 0, failures = 0, bytes = 0;
        string? firstError = null;
        foreach (var r in recorders)
        {
            lock (r._lock)
            {
                latency.Add(r._latency);
                sizes.Add(r._sizes);
                count += r._count;
                failures += r._failures;
                bytes += r._bytes;
                firstError ??= r._firstError;
            }
        }
        return Stats(latency, sizes, count, failures, bytes, firstError, elapsed);
    }

    private static OperationStats Stats(LatencyHistogram latency, LatencyHistogram sizes, long count, long failures, long bytes, string? firstError, TimeSpan elapsed)
    {
        var seconds = elapsed.TotalSeconds > 0 ? elapsed.TotalSeconds : double.PositiveInfinity;
        return new OperationStats
        {
            Count = count,
            Failures = failures,
            Bytes = bytes,
            OpsPerSecond = count / seconds,
            BytesPerSecond = bytes / seconds,
            SizeAvg = count > 0 ? (double)bytes / count : 0,
            SizeP50 = sizes.ValueAt(50),
            SizeP90 = sizes.ValueAt(90),
            SizeP99 = sizes.ValueAt(99),
            LatencyAvgMs = latency.Count > 0 ? Ms(latency.Mean) : 0,
            LatencyP50Ms = Ms(latency.ValueAt(50)),
            LatencyP90Ms = Ms(latency.ValueAt(90)),
            LatencyP99Ms = Ms(latency.ValueAt(99)),
            LatencyMaxMs = Ms(latency.Max),
            FirstError = firstError,
        };
    }

    private static double Ms(double ticks) => Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 3);
}
