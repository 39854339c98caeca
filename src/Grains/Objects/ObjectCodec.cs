using ObjectStore.Runtime.Invocation;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Objects;

/// <summary>Wire forms of the storage types that cross silos in object grain calls (metadata reuses <see cref="MetadataCodec"/>).</summary>
internal static class ObjectCodec
{
    public static void WriteObjectId(ref GrainWriter w, ObjectId id)
    {
        w.WriteString(id.Usecase);
        w.WriteInt32(id.Scopes.Count);
        foreach (var scope in id.Scopes.Items)
        {
            w.WriteString(scope.Name);
            w.WriteString(scope.Value);
        }
        w.WriteString(id.Key);
    }

    public static ObjectId ReadObjectId(ref GrainReader r)
    {
        var usecase = r.ReadRequiredString();
        var count = r.ReadInt32();
        if (count < 0 || count > r.Remaining) throw new InvalidDataException($"object id with {count} scopes");
        var scopes = new Scope[count];
        for (var i = 0; i < count; i++) scopes[i] = new Scope(r.ReadRequiredString(), r.ReadRequiredString());
        return new ObjectId(usecase, Scopes.Create(scopes), r.ReadRequiredString());
    }

    public static void WriteMetadata(ref GrainWriter w, ObjectMetadata metadata) => w.WriteBytes(MetadataCodec.Serialize(metadata));

    public static ObjectMetadata ReadMetadata(ref GrainReader r) => MetadataCodec.Deserialize(r.ReadBytesSpan());

    public static void WriteOptionalMetadata(ref GrainWriter w, ObjectMetadata? metadata)
    {
        w.WriteBoolean(metadata is not null);
        if (metadata is not null) WriteMetadata(ref w, metadata);
    }

    public static ObjectMetadata? ReadOptionalMetadata(ref GrainReader r) => r.ReadBoolean() ? ReadMetadata(ref r) : null;

    /// <summary>0 = none, 1 = bounded, 2 = from, 3 = suffix.</summary>
    public static void WriteRange(ref GrainWriter w, ByteRange? range)
    {
        switch (range)
        {
            case null:
                w.WriteByte(0);
                break;
            case { SuffixLength: { } n }:
                w.WriteByte(3);
                w.WriteInt64(n);
                break;
            case { End: { } end } r:
                w.WriteByte(1);
                w.WriteInt64(r.Start!.Value);
                w.WriteInt64(end);
                break;
            case { } r:
                w.WriteByte(2);
                w.WriteInt64(r.Start!.Value);
                break;
        }
    }

    public static ByteRange? ReadRange(ref GrainReader r) => r.ReadByte() switch
    {
        0 => null,
        1 => ByteRange.Bounded(r.ReadInt64(), r.ReadInt64()),
        2 => ByteRange.From(r.ReadInt64()),
        3 => ByteRange.Suffix(r.ReadInt64()),
        var b => throw new InvalidDataException($"unknown byte range tag {b}"),
    };

    public static void WriteRead(ref GrainWriter w, ObjectRead read)
    {
        w.WriteByte((byte)read.Kind);
        switch (read.Kind)
        {
            case ObjectReadKind.Inline:
                WriteMetadata(ref w, read.Metadata!);
                w.WriteBytes(read.Payload.Span);
                w.WriteBoolean(read.Range is not null);
                if (read.Range is { } range)
                {
                    w.WriteInt64(range.Start);
                    w.WriteInt64(range.End);
                    w.WriteInt64(range.Total);
                }
                break;
            case ObjectReadKind.Redirect:
                WriteMetadata(ref w, read.Metadata!);
                WriteObjectId(ref w, read.Revision!);
                break;
        }
    }

    public static ObjectRead ReadRead(ref GrainReader r)
    {
        switch ((ObjectReadKind)r.ReadByte())
        {
            case ObjectReadKind.NotFound:
                return ObjectRead.NotFound;
            case ObjectReadKind.Inline:
                var metadata = ReadMetadata(ref r);
                var payload = r.ReadBytes();
                ContentRange? range = r.ReadBoolean() ? new ContentRange(r.ReadInt64(), r.ReadInt64(), r.ReadInt64()) : null;
                return ObjectRead.Inline(metadata, payload, range);
            case ObjectReadKind.Redirect:
                var redirected = ReadMetadata(ref r);
                return ObjectRead.Redirect(redirected, ReadObjectId(ref r));
            case var kind:
                throw new InvalidDataException($"unknown object read kind {(int)kind}");
        }
    }

    public static void WriteParts(ref GrainWriter w, IReadOnlyList<CompletedPart> parts)
    {
        w.WriteInt32(parts.Count);
        foreach (var part in parts)
        {
            w.WriteInt32(part.PartNumber);
            w.WriteString(part.ETag);
        }
    }

    public static CompletedPart[] ReadParts(ref GrainReader r)
    {
        var count = r.ReadInt32();
        if (count < 0 || count > r.Remaining) throw new InvalidDataException($"multipart completion with {count} parts");
        var parts = new CompletedPart[count];
        for (var i = 0; i < count; i++) parts[i] = new CompletedPart(r.ReadInt32(), r.ReadRequiredString());
        return parts;
    }
}
