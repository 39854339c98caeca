using System.Collections.Concurrent;

namespace ObjectStore.Grains.Caching;

/// <summary>
/// The per-silo bound on live object-grain activations. Orleans keeps an idle activation for its collection age
/// (15 minutes by default), so a stream of writes to distinct keys — a bulk load, a batch of 1000 inserts — would hold
/// one activation per key written in the last 15 minutes: gigabytes of heap and a garbage collector marking it, bounded
/// by the write rate instead of by anything an operator sets. Here the oldest activation leaves once
/// <see cref="Limit"/> are live (first in, first out: a hot key shed this way costs one reactivation and one HV read,
/// while tracking use per call would cost every call a shared write). Thread-safe.
/// </summary>
public sealed class ActivationBudget
{
    private readonly ConcurrentQueue<Member> _order = new();
    private int _live;
    private long _shed;

    /// <summary>A budget of <paramref name="limit"/> live activations (at least 1).</summary>
    public ActivationBudget(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    /// <summary>The most activations kept live.</summary>
    public int Limit { get; }

    /// <summary>Activations currently counted live.</summary>
    public int Live => Volatile.Read(ref _live);

    /// <summary>Activations asked to leave because the budget was full (tests and metrics).</summary>
    public long Shed => Interlocked.Read(ref _shed);

    /// <summary>Counts a new activation, asking the oldest ones to leave while more than <see cref="Limit"/> are live.</summary>
    public Member Enter(IGrainContext activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        var member = new Member(this, activation);
        _order.Enqueue(member);
        if (Interlocked.Increment(ref _live) > Limit) ShedOldest();
        else if (_order.Count > 2 * Limit) Compact();
        return member;
    }

    private void ShedOldest()
    {
        while (Volatile.Read(ref _live) > Limit && _order.TryDequeue(out var oldest))
        {
            if (!oldest.TryLeave()) continue;
            Interlocked.Increment(ref _shed);
            GrainMetrics.ActivationsShed.Add(1);
            oldest.Activation.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested,
                $"the silo's object activation budget ({Limit}) is full; the oldest activation leaves"));
        }
    }

    // Activations that left on their own (idle collection, a cluster change) stay queued until reached; when no
    // shedding reaches them, this drops them so the queue stays within twice the budget.
    private void Compact()
    {
        for (var n = _order.Count; n > 0 && _order.TryDequeue(out var member); n--)
            if (!member.HasLeft) _order.Enqueue(member);
    }

    /// <summary>One counted activation; <see cref="Leave"/> it when the activation deactivates.</summary>
    public sealed class Member
    {
        private readonly ActivationBudget _budget;
        private int _left;

        internal Member(ActivationBudget budget, IGrainContext activation)
        {
            _budget = budget;
            Activation = activation;
        }

        internal IGrainContext Activation { get; }

        internal bool HasLeft => Volatile.Read(ref _left) != 0;

        /// <summary>Stops counting the activation (idempotent; shedding may have done it already).</summary>
        public void Leave() => TryLeave();

        internal bool TryLeave()
        {
            if (Interlocked.Exchange(ref _left, 1) != 0) return false;
            Interlocked.Decrement(ref _budget._live);
            return true;
        }
    }
}
