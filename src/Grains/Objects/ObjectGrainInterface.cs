using ObjectStore.Runtime.Invocation;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Objects;

/// <summary>The hand-written runtime description of <see cref="IObjectGrain"/> (the pattern of <see cref="GrainRequest"/>); method ids are stable wire ids.</summary>
public sealed class ObjectGrainInterface : GrainInterface<IObjectGrain>
{
    /// <summary>The shared instance.</summary>
    public static readonly ObjectGrainInterface Instance = new();

    /// <inheritdoc/>
    public override IObjectGrain CreateProxy(GrainReference reference) => new Proxy(reference);

    /// <inheritdoc/>
    public override GrainRequest? CreateRequest(ushort methodId) => methodId switch
    {
        PutInlineRequest.Id => new PutInlineRequest(),
        BeginLargeWriteRequest.Id => new BeginLargeWriteRequest(),
        CommitLargeWriteRequest.Id => new CommitLargeWriteRequest(),
        AbortLargeWriteRequest.Id => new AbortLargeWriteRequest(),
        GetRequest.Id => new GetRequest(),
        HeadRequest.Id => new HeadRequest(),
        DeleteRequest.Id => new DeleteRequest(),
        InitiateMultipartRequest.Id => new InitiateMultipartRequest(),
        CompleteMultipartRequest.Id => new CompleteMultipartRequest(),
        _ => null,
    };

    private sealed class Proxy(GrainReference r) : IObjectGrain
    {
        public Task<ObjectMetadata> PutInline(ObjectMetadata metadata, ReadOnlyMemory<byte> payload, CancellationToken ct) =>
            r.InvokeAsync(new PutInlineRequest { Metadata = metadata, Payload = payload }, ct);

        public Task<LargeWriteTicket> BeginLargeWrite(ObjectMetadata metadata, CancellationToken ct) =>
            r.InvokeAsync(new BeginLargeWriteRequest { Metadata = metadata }, ct);

        public Task<ObjectMetadata> CommitLargeWrite(Guid changeId, long size, CancellationToken ct) =>
            r.InvokeAsync(new CommitLargeWriteRequest { ChangeId = changeId, Size = size }, ct);

        public Task AbortLargeWrite(Guid changeId, CancellationToken ct) => r.InvokeAsync(new AbortLargeWriteRequest { ChangeId = changeId }, ct);

        public Task<ObjectRead> Get(ByteRange? range, CancellationToken ct) => r.InvokeAsync(new GetRequest { Range = range }, ct);

        public Task<ObjectMetadata?> Head(CancellationToken ct) => r.InvokeAsync(new HeadRequest(), ct);

        public Task Delete(CancellationToken ct) => r.InvokeAsync(new DeleteRequest(), ct);

        public Task<string> InitiateMultipart(ObjectMetadata metadata, CancellationToken ct) =>
            r.InvokeAsync(new InitiateMultipartRequest { Metadata = metadata }, ct);

        public Task<MultipartCompletion> CompleteMultipart(string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken ct) =>
            r.InvokeAsync(new CompleteMultipartRequest { UploadId = uploadId, Parts = parts }, ct);
    }

    /// <summary>Requests that answer with the stored metadata.</summary>
    private abstract class MetadataRequest : GrainRequest<ObjectMetadata>
    {
        protected sealed override void WriteResult(ref GrainWriter w, ObjectMetadata result) => ObjectCodec.WriteMetadata(ref w, result);
        protected sealed override ObjectMetadata ReadResult(ref GrainReader r) => ObjectCodec.ReadMetadata(ref r);
    }

    private sealed class PutInlineRequest : MetadataRequest
    {
        public const ushort Id = 1;
        public ObjectMetadata Metadata = new();
        public ReadOnlyMemory<byte> Payload;
        public override ushort MethodId => Id;
        public override string MethodName => "PutInline";

        public override void WriteArguments(ref GrainWriter w)
        {
            ObjectCodec.WriteMetadata(ref w, Metadata);
            w.WriteBytes(Payload.Span);
        }

        public override void ReadArguments(ref GrainReader r)
        {
            Metadata = ObjectCodec.ReadMetadata(ref r);
            Payload = r.ReadBytes();
        }

        protected override Task<ObjectMetadata> Invoke(object grain, CancellationToken ct) => ((IObjectGrain)grain).PutInline(Metadata, Payload, ct);
    }

    /// <summary>Requests whose one argument is the metadata to write.</summary>
    private abstract class WithMetadataRequest<TResult> : GrainRequest<TResult>
    {
        public ObjectMetadata Metadata = new();
        public sealed override void WriteArguments(ref GrainWriter w) => ObjectCodec.WriteMetadata(ref w, Metadata);
        public sealed override void ReadArguments(ref GrainReader r) => Metadata = ObjectCodec.ReadMetadata(ref r);
    }

    private sealed class BeginLargeWriteRequest : WithMetadataRequest<LargeWriteTicket>
    {
        public const ushort Id = 2;
        public override ushort MethodId => Id;
        public override string MethodName => "BeginLargeWrite";
        protected override Task<LargeWriteTicket> Invoke(object grain, CancellationToken ct) => ((IObjectGrain)grain).BeginLargeWrite(Metadata, ct);

        protected override void WriteResult(ref GrainWriter w, LargeWriteTicket result)
        {
            ObjectCodec.WriteObjectId(ref w, result.Revision);
            w.WriteGuid(result.ChangeId);
            ObjectCodec.WriteMetadata(ref w, result.Metadata);
        }

        protected override LargeWriteTicket ReadResult(ref GrainReader r) =>
            new(ObjectCodec.ReadObjectId(ref r), r.ReadGuid(), ObjectCodec.ReadMetadata(ref r));
    }

    private sealed class CommitLargeWriteRequest : MetadataRequest
    {
        public const ushort Id = 3;
        public Guid ChangeId;
        public long Size;
        public override ushort MethodId => Id;
        public override string MethodName => "CommitLargeWrite";

        public override void WriteArguments(ref GrainWriter w)
        {
            w.WriteGuid(ChangeId);
            w.WriteInt64(Size);
        }

        public override void ReadArguments(ref GrainReader r)
        {
            ChangeId = r.ReadGuid();
            Size = r.ReadInt64();
        }

        protected override Task<ObjectMetadata> Invoke(object grain, CancellationToken ct) => ((IObjectGrain)grain).CommitLargeWrite(ChangeId, Size, ct);
    }

    private sealed class AbortLargeWriteRequest : VoidGrainRequest
    {
        public const ushort Id = 4;
        public Guid ChangeId;
        public override ushort MethodId => Id;
        public override string MethodName => "AbortLargeWrite";
        public override void WriteArguments(ref GrainWriter w) => w.WriteGuid(ChangeId);
        public override void ReadArguments(ref GrainReader r) => ChangeId = r.ReadGuid();
        protected override Task Invoke(object grain, CancellationToken ct) => ((IObjectGrain)grain).AbortLargeWrite(ChangeId, ct);
    }

    private sealed class GetRequest : GrainRequest<ObjectRead>
    {
        public const ushort Id = 5;
        public ByteRange? Range;
        public override ushort MethodId => Id;
        public override string MethodName => "Get";
        public override void WriteArguments(ref GrainWriter w) => ObjectCodec.WriteRange(ref w, Range);
        public override void ReadArguments(ref GrainReader r) => Range = ObjectCodec.ReadRange(ref r);
        protected override Task<ObjectRead> Invoke(object grain, CancellationToken ct) => ((IObjectGrain)grain).Get(Range, ct);
        protected override void WriteResult(ref GrainWriter w, ObjectRead result) => ObjectCodec.WriteRead(ref w, result);
        protected override ObjectRead ReadResult(ref GrainReader r) => ObjectCodec.ReadRead(ref r);
    }

    private sealed class HeadRequest : GrainRequest<ObjectMetadata?>
    {
        public const ushort Id = 6;
        public override ushort MethodId => Id;
        public override string MethodName => "Head";
        protected override Task<ObjectMetadata?> Invoke(object grain, CancellationToken ct) => ((IObjectGrain)grain).Head(ct);
        protected override void WriteResult(ref GrainWriter w, ObjectMetadata? result) => ObjectCodec.WriteOptionalMetadata(ref w, result);
        protected override ObjectMetadata? ReadResult(ref GrainReader r) => ObjectCodec.ReadOptionalMetadata(ref r);
    }

    private sealed class DeleteRequest : VoidGrainRequest
    {
        public const ushort Id = 7;
        public override ushort MethodId => Id;
        public override string MethodName => "Delete";
        protected override Task Invoke(object grain, CancellationToken ct) => ((IObjectGrain)grain).Delete(ct);
    }

    private sealed class InitiateMultipartRequest : WithMetadataRequest<string>
    {
        public const ushort Id = 8;
        public override ushort MethodId => Id;
        public override string MethodName => "InitiateMultipart";
        protected override Task<string> Invoke(object grain, CancellationToken ct) => ((IObjectGrain)grain).InitiateMultipart(Metadata, ct);
        protected override void WriteResult(ref GrainWriter w, string result) => w.WriteString(result);
        protected override string ReadResult(ref GrainReader r) => r.ReadRequiredString();
    }

    private sealed class CompleteMultipartRequest : GrainRequest<MultipartCompletion>
    {
        public const ushort Id = 9;
        public string UploadId = "";
        public IReadOnlyList<CompletedPart> Parts = [];
        public override ushort MethodId => Id;
        public override string MethodName => "CompleteMultipart";

        public override void WriteArguments(ref GrainWriter w)
        {
            w.WriteString(UploadId);
            ObjectCodec.WriteParts(ref w, Parts);
        }

        public override void ReadArguments(ref GrainReader r)
        {
            UploadId = r.ReadRequiredString();
            Parts = ObjectCodec.ReadParts(ref r);
        }

        protected override Task<MultipartCompletion> Invoke(object grain, CancellationToken ct) =>
            ((IObjectGrain)grain).CompleteMultipart(UploadId, Parts, ct);

        protected override void WriteResult(ref GrainWriter w, MultipartCompletion result)
        {
            w.WriteString(result.ErrorCode);
            w.WriteString(result.ErrorMessage);
        }

        protected override MultipartCompletion ReadResult(ref GrainReader r)
        {
            var code = r.ReadString();
            var message = r.ReadString();
            return code is null ? MultipartCompletion.Success : MultipartCompletion.Failed(code, message ?? "");
        }
    }
}
