using System.ComponentModel.DataAnnotations;

namespace ObjectStore.Storage.Sql;

/// <summary>How the SQL stores group concurrent single-statement writes into shared round trips (<see cref="GroupCommit"/>).</summary>
public sealed record GroupCommitOptions
{
    /// <summary>The largest <see cref="InFlight"/> accepted.</summary>
    public const int MaxInFlight = 64;

    /// <summary>The largest <see cref="MaxStatements"/> accepted.</summary>
    public const int MaxGroupSize = 1000;

    /// <summary>The defaults: grouping on, 2 groups in flight, 64 statements a group.</summary>
    public static readonly GroupCommitOptions Default = new();

    /// <summary>Whether writes are grouped; off, every statement is a round trip and a transaction of its own.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// The most groups in flight at once per database on PostgreSQL (SQLite has one writer and always uses one). More
    /// groups in flight overlap more commits (WAL flushes); fewer make larger groups, so fewer commits and round trips.
    /// On the 2-core bench machine, 1 silo, 16 writers in flight, 2 beat 8 with fsync on and off (docs/PROFILE.md).
    /// </summary>
    [Range(1, MaxInFlight)]
    public int InFlight { get; init; } = 2;

    /// <summary>The most statements one group carries.</summary>
    [Range(1, MaxGroupSize)]
    public int MaxStatements { get; init; } = 64;

    /// <summary>Throws naming the first out-of-range property.</summary>
    public GroupCommitOptions Validated()
    {
        if (InFlight is < 1 or > MaxInFlight)
            throw new ArgumentOutOfRangeException(nameof(InFlight), InFlight, $"{nameof(InFlight)} must be 1 to {MaxInFlight}");
        if (MaxStatements is < 1 or > MaxGroupSize)
            throw new ArgumentOutOfRangeException(nameof(MaxStatements), MaxStatements, $"{nameof(MaxStatements)} must be 1 to {MaxGroupSize}");
        return this;
    }
}
