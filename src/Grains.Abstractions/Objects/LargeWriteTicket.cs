namespace ObjectStore.Grains.Objects;

/// <summary>
/// A begun large write: the gateway streams the body into the long-term blob <see cref="RevisionKey"/> (same usecase and
/// scopes) carrying <see cref="Metadata"/>, then calls <see cref="IObjectGrain.CommitLargeWrite"/> with <see cref="ChangeId"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("objectstore.LargeWriteTicket")]
public sealed record LargeWriteTicket
{
    /// <summary>The revision blob's key, <c>{key}/{uuid v7}</c>.</summary>
    [Id(0)] public required string RevisionKey { get; init; }

    /// <summary>The change-log entry id that names this write on the grain.</summary>
    [Id(1)] public required Guid ChangeId { get; init; }

    /// <summary>The metadata stamped at begin, as the blob must carry it.</summary>
    [Id(2)] public required ObjectInfo Metadata { get; init; }
}
