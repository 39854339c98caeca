using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Objects;

/// <summary>
/// A begun large write: stream the body into <c>ILongTermStore.PutAsync(Revision, Metadata, …)</c>, then call
/// <see cref="IObjectGrain.CommitLargeWrite"/> with <see cref="ChangeId"/> (or <see cref="IObjectGrain.AbortLargeWrite"/>).
/// </summary>
/// <param name="Revision">The LT blob to write, <c>{key}/{uuid v7}</c>.</param>
/// <param name="ChangeId">The change-log entry id that names this write on the grain.</param>
/// <param name="Metadata">The metadata stamped at begin, as the LT blob must carry it.</param>
public sealed record LargeWriteTicket(ObjectId Revision, Guid ChangeId, ObjectMetadata Metadata);
