using System.ComponentModel.DataAnnotations;

namespace ObjectStore.Grains.Concurrency;

/// <summary>Configuration section <c>service</c> (api doc §11, §16.3).</summary>
public sealed record ServiceLimitOptions
{
    /// <summary><c>service.max_concurrency</c>: backend operation permits (default 500; 0 rejects everything).</summary>
    [Range(0, 1_000_000)]
    public int MaxConcurrency { get; init; } = 500;

    /// <summary><c>service.concurrency_queue</c>: single operations allowed to wait when permits are exhausted (default 0).</summary>
    [Range(0, 1_000_000)]
    public int ConcurrencyQueue { get; init; }

    /// <summary><c>service.concurrency_timeout</c>: longest wait for a permit, normal and bulk (default 1 s).</summary>
    public TimeSpan ConcurrencyTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>service.bulk_concurrency_pct</c>: share of permits batch operations may use (default 60, clamped to 100, at least 1 permit).</summary>
    [Range(0, int.MaxValue)]
    public int BulkConcurrencyPct { get; init; } = 60;

    /// <summary>The bulk semaphore's size: <c>ceil(max × min(pct, 100) / 100)</c>, at least 1.</summary>
    public int BulkPermits => Math.Max(1, (int)Math.Ceiling(MaxConcurrency * (double)Math.Min(BulkConcurrencyPct, 100) / 100));
}
