namespace ObjectStore.Runtime.Membership;

/// <summary>
/// Cluster membership: which silos are live. Two implementations: in-process (one silo, the
/// embedded default) and PostgreSQL (a row per silo incarnation with a lease renewed on a short
/// period; views propagate by LISTEN/NOTIFY with polling as the fallback). A silo that cannot renew
/// its lease before it lapses fences itself (<see cref="Fenced"/>) so it stops serving before
/// others take its keys over.
/// </summary>
public interface IMembershipProvider : IAsyncDisposable
{
    /// <summary>The latest view this silo knows.</summary>
    MembershipView Current { get; }

    /// <summary>Raised (on a background thread) whenever <see cref="Current"/> changes to a newer version.</summary>
    event Action<MembershipView>? ViewChanged;

    /// <summary>Raised once when this silo lost its lease; the silo must stop serving at once.</summary>
    event Action? Fenced;

    /// <summary>True after <see cref="Fenced"/> fired.</summary>
    bool IsFenced { get; }

    /// <summary>Registers this silo (status Active) and starts renewing its lease. Throws if the store is unreachable.</summary>
    Task JoinAsync(string siloId, string endpoint, CancellationToken cancellationToken);

    /// <summary>Marks this silo ShuttingDown: it stays reachable but receives no new placements.</summary>
    Task BeginLeaveAsync(CancellationToken cancellationToken);

    /// <summary>Releases the lease at once (status Dead) so others take the keys over immediately; stops renewing.</summary>
    Task LeaveAsync(CancellationToken cancellationToken);

    /// <summary>Re-reads the table now (a peer hinted that our view is stale).</summary>
    Task RefreshAsync(CancellationToken cancellationToken);
}
