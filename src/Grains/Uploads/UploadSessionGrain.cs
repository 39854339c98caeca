using Microsoft.Extensions.Logging;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Objects;

namespace ObjectStore.Grains.Uploads;

/// <summary>
/// A resumable upload session (objectstore 0.2.6+, docs/api.md "Resumable uploads"), keyed by its token, its state
/// durable on the objectstore grain store so it survives a silo restart.
///
/// Where the bytes wait — chosen so nothing is held in memory beyond the 1 MiB tier buffer and nothing is written twice:
/// - A session of at most the inline threshold keeps its bytes in the grain state (≤ 1 MiB) and commits them through
///   <see cref="ObjectWriter"/>, the one write path, as an inline PUT.
/// - A larger session is a long-term multipart upload under a revision fixed at create (the object grain's
///   <see cref="IObjectGrain.InitiateMultipart"/>); every chunk is streamed by the gateway straight into its own part,
///   and the last one commits through <see cref="IObjectGrain.CompleteMultipart"/> — assemble, then the same tombstone CAS
///   as a large PUT. Our LT stores take parts of any size (files: a file per part; S3: each part staged as its own object
///   and composed at complete, so S3's 5 MiB part minimum never reaches the client), so no chunk is spooled or re-buffered; the 10,000-part limit caps the number of chunks of a large session.
///
/// ### Chunk (large session)
/// 1. <see cref="BeginChunk"/>: session known for this key (else Unknown), open and unexpired (else Gone), chunk within
///    the length (else PastLength), offset equal to the held one (else Mismatch with the held offset); hands out a
///    fresh part number, so racing attempts at one offset never overwrite each other's part.
/// 2. The gateway streams the body into that part.
/// 3. <see cref="EndChunk"/>: the offset is checked again (a racing attempt may have won: Mismatch, its part is left out
///    of the assembly and discarded with the upload), the part appended, the state written; the last byte commits.
///
/// ### Commit
/// Inline or multipart as above. On an error the state stays Open with every byte held, and the next offset query
/// retries the commit (the multipart complete is idempotent). Only then is the status Committed.
///
/// ### Expiry and cancel
/// An open session expires <see cref="ObjectGrainOptions.UploadSessionLifetime"/> after its last accepted chunk: on the
/// next request or on its durable reminder, whichever comes first, its multipart upload is aborted (parts discarded) and
/// its buffer dropped. A finished record is kept one more lifetime (so late requests get 410 / 201), then cleared.
/// Should a silo die between initiate and the state write, the orphan sweep's upload age limit aborts the upload.
/// </summary>
[GrainType("upload-session")]
public sealed partial class UploadSessionGrain(
    ObjectStoreGrainServices services,
    ObjectWriter writer,
    [PersistentState("session", ObjectStoreGrains.StateStore)] IPersistentState<UploadSessionState> session)
    : Grain, IUploadSessionGrain, IRemindable
{
    /// <summary>The backend's limit on parts of one multipart upload.</summary>
    public const int MaxParts = 10_000;

    private const string ReminderName = "expire-session";
    private readonly ILogger _logger = services.LoggerFactory.CreateLogger<UploadSessionGrain>();

    private UploadSessionState State => session.State;
    private TimeSpan Lifetime => services.Objects.UploadSessionLifetime;

    /// <inheritdoc/>
    public async Task Create(string objectKey, ObjectInfo metadata, long length, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectKey);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (session.RecordExists) throw new InvalidOperationException("upload session already exists");
        _ = ObjectContract.ParseGrainKey(objectKey);
        var state = new UploadSessionState
        {
            ObjectKey = objectKey,
            Metadata = metadata,
            Length = length,
            ExpiresAt = services.Time.GetUtcNow() + Lifetime,
        };
        // Reminder first: a session whose state write lands is always covered by its expiry.
        await this.RegisterOrUpdateReminder(ReminderName, Lifetime, Lifetime);
        if (length > services.Storage.InlineThreshold)
            state.UploadId = await ObjectGrain(objectKey).InitiateMultipart(metadata, CancellationToken.None);
        session.State = state;
        await session.WriteStateAsync(CancellationToken.None);
    }

    /// <inheritdoc/>
    public async Task<UploadStep> BeginChunk(string objectKey, long offset, long size, CancellationToken cancellationToken)
    {
        if (await CheckAsync(objectKey) is { } refused) return refused;
        if (size == 0 && offset == State.Offset) return await ProgressAsync();
        if (ChunkProblem(offset, size) is { } problem) return problem;
        if (State.UploadId is null) return Step(UploadStepKind.SendInline);
        if (State.LastPartNumber >= MaxParts) return Step(UploadStepKind.PastLength, $"a session above {services.Storage.InlineThreshold} bytes takes at most {MaxParts} chunks");
        State.LastPartNumber++;
        await session.WriteStateAsync(CancellationToken.None);
        return new UploadStep { Kind = UploadStepKind.StreamPart, Offset = State.Offset, UploadId = State.UploadId, PartNumber = State.LastPartNumber };
    }

    /// <inheritdoc/>
    public async Task<UploadStep> EndChunk(string objectKey, UploadChunk chunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (await CheckAsync(objectKey) is { } refused) return refused;
        if (ChunkProblem(chunk.Offset, chunk.Size) is { } problem) return problem;
        if (State.UploadId is null || chunk.PartNumber > State.LastPartNumber) throw new InvalidOperationException("no such part was handed out");
        State.Parts.Add(new PartTag { PartNumber = chunk.PartNumber, ETag = chunk.ETag });
        return await AcceptAsync(chunk.Size);
    }

    /// <inheritdoc/>
    public async Task<UploadStep> AppendInline(string objectKey, long offset, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (await CheckAsync(objectKey) is { } refused) return refused;
        if (ChunkProblem(offset, bytes.Length) is { } problem) return problem;
        if (State.UploadId is not null) throw new InvalidOperationException("a large session takes its chunks as long-term parts");
        if (State.Buffer.Length != State.Length) State.Buffer = new byte[State.Length];
        bytes.Span.CopyTo(State.Buffer.AsSpan((int)offset));
        return await AcceptAsync(bytes.Length);
    }

    /// <inheritdoc/>
    public async Task<UploadStep> Query(string objectKey, CancellationToken cancellationToken) =>
        await CheckAsync(objectKey) ?? await ProgressAsync();

    /// <inheritdoc/>
    public async Task<UploadStep> Cancel(string objectKey, CancellationToken cancellationToken)
    {
        if (await CheckAsync(objectKey) is { } refused) return refused;
        await DiscardAsync(UploadSessionStatus.Cancelled);
        return Step(UploadStepKind.Continue);
    }

    /// <inheritdoc/>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var now = services.Time.GetUtcNow();
        if (!session.RecordExists)
        {
            await UnregisterAsync();
            return;
        }
        if (now < State.ExpiresAt) return;
        if (State.Status == UploadSessionStatus.Open)
        {
            await DiscardAsync(UploadSessionStatus.Expired);
            return;
        }
        await session.ClearStateAsync(CancellationToken.None);
        await UnregisterAsync();
    }

    /// <summary>Unknown, Gone or Committed for a session that takes no chunk; null for an open one. Expires a stale one first.</summary>
    private async Task<UploadStep?> CheckAsync(string objectKey)
    {
        if (!session.RecordExists || State.ObjectKey != objectKey) return new UploadStep { Kind = UploadStepKind.Unknown };
        if (State.Status == UploadSessionStatus.Open && services.Time.GetUtcNow() >= State.ExpiresAt)
            await DiscardAsync(UploadSessionStatus.Expired);
        return State.Status switch
        {
            UploadSessionStatus.Open => null,
            UploadSessionStatus.Committed => Step(UploadStepKind.Committed),
            _ => Step(UploadStepKind.Gone, State.Status == UploadSessionStatus.Cancelled ? "upload session was cancelled" : "upload session expired"),
        };
    }

    private UploadStep? ChunkProblem(long offset, long size) =>
        offset > State.Length || size > State.Length - offset
            ? Step(UploadStepKind.PastLength, $"chunk ends at {offset + size}, past the declared length {State.Length}")
            : offset != State.Offset ? Step(UploadStepKind.Mismatch) : null;

    private async Task<UploadStep> AcceptAsync(long size)
    {
        State.Offset += size;
        State.ExpiresAt = services.Time.GetUtcNow() + Lifetime;
        await session.WriteStateAsync(CancellationToken.None);
        return await ProgressAsync();
    }

    /// <summary>Continue while bytes remain; commits once all arrived.</summary>
    private async Task<UploadStep> ProgressAsync()
    {
        if (State.Offset < State.Length) return Step(UploadStepKind.Continue);
        var id = ObjectContract.ParseGrainKey(State.ObjectKey);
        if (State.UploadId is null)
        {
            await writer.PutAsync(id, ObjectContract.ToMetadata(State.Metadata), State.Buffer.AsMemory(0, (int)State.Length), CancellationToken.None);
        }
        else
        {
            var outcome = await ObjectGrain(State.ObjectKey).CompleteMultipart(State.UploadId, State.Parts, CancellationToken.None);
            if (!outcome.Succeeded) throw new InvalidOperationException($"upload session commit failed: {outcome.ErrorCode}: {outcome.ErrorMessage}");
        }
        State.Status = UploadSessionStatus.Committed;
        Finish();
        await session.WriteStateAsync(CancellationToken.None);
        LogCommitted(_logger, id.Usecase, State.Length, State.UploadId is null ? "hv" : "lt");
        return Step(UploadStepKind.Committed);
    }

    private async Task DiscardAsync(UploadSessionStatus status)
    {
        if (State.UploadId is { } uploadId)
            await services.Storage.AbortMultipartAsync(ObjectContract.ParseGrainKey(State.ObjectKey), uploadId, CancellationToken.None);
        State.Status = status;
        Finish();
        await session.WriteStateAsync(CancellationToken.None);
    }

    // A finished record keeps only what late requests need, for one more lifetime.
    private void Finish()
    {
        State.Buffer = [];
        State.Parts = [];
        State.ExpiresAt = services.Time.GetUtcNow() + Lifetime;
    }

    private UploadStep Step(UploadStepKind kind, string? problem = null) =>
        new() { Kind = kind, Offset = session.RecordExists ? State.Offset : 0, Problem = problem };

    private IObjectGrain ObjectGrain(string objectKey) => GrainFactory.GetGrain<IObjectGrain>(objectKey);

    private async Task UnregisterAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upload session committed: usecase {Usecase}, {Size} bytes, tier {Tier}")]
    private static partial void LogCommitted(ILogger logger, string usecase, long size, string tier);
}
