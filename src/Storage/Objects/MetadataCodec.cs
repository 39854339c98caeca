using System.Buffers;
using System.Text.Json;

namespace ObjectStore.Storage.Objects;

/// <summary>
/// The stored form of <see cref="ObjectMetadata"/>: compact UTF-8 JSON written and read by hand
/// (no reflection), used by HV rows, the filesystem sidecar and S3 user metadata alike. Unknown
/// fields are skipped so newer writers stay readable by older readers.
/// </summary>
public static class MetadataCodec
{
    /// <summary>Serializes to UTF-8 JSON.</summary>
    public static byte[] Serialize(ObjectMetadata metadata)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("ct", metadata.ContentType);
            if (metadata.Compression is { } ce) w.WriteString("ce", ce);
            if (metadata.Expiration.Expires)
            {
                w.WriteNumber("ek", (int)metadata.Expiration.Kind);
                w.WriteNumber("ed", metadata.Expiration.Duration.Ticks);
            }
            if (metadata.TimeCreated is { } tc) w.WriteNumber("tc", ObjectTimestamp.ToUnixMicros(tc));
            if (metadata.TimeExpires is { } te) w.WriteNumber("te", ObjectTimestamp.ToUnixMicros(te));
            if (metadata.Origin is { } o) w.WriteString("o", o);
            if (metadata.Filename is { } f) w.WriteString("f", f);
            if (metadata.Size is { } s) w.WriteNumber("s", s);
            if (metadata.Custom.Count > 0)
            {
                w.WriteStartObject("c");
                foreach (var (k, v) in metadata.Custom) w.WriteString(k, v);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Deserializes what <see cref="Serialize"/> wrote; throws <see cref="FormatException"/> on corrupt input.</summary>
    public static ObjectMetadata Deserialize(ReadOnlySpan<byte> json)
    {
        try
        {
            return Read(json);
        }
        catch (JsonException e)
        {
            throw new FormatException("stored object metadata is corrupt", e);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException("stored object metadata is corrupt", e);
        }
    }

    private static ObjectMetadata Read(ReadOnlySpan<byte> json)
    {
        var r = new Utf8JsonReader(json);
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject) throw new FormatException("stored object metadata is not a JSON object");
        string contentType = ObjectMetadata.DefaultContentType;
        string? compression = null, origin = null, filename = null;
        var kind = ExpirationKind.Manual;
        long durationTicks = 0;
        DateTimeOffset? created = null, expires = null;
        long? size = null;
        Dictionary<string, string>? custom = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var name = r.GetString();
            r.Read();
            switch (name)
            {
                case "ct": contentType = r.GetString() ?? ObjectMetadata.DefaultContentType; break;
                case "ce": compression = r.GetString(); break;
                case "ek": kind = (ExpirationKind)r.GetInt32(); break;
                case "ed": durationTicks = r.GetInt64(); break;
                case "tc": created = ObjectTimestamp.FromUnixMicros(r.GetInt64()); break;
                case "te": expires = ObjectTimestamp.FromUnixMicros(r.GetInt64()); break;
                case "o": origin = r.GetString(); break;
                case "f": filename = r.GetString(); break;
                case "s": size = r.GetInt64(); break;
                case "c":
                    custom = new Dictionary<string, string>(StringComparer.Ordinal);
                    while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                    {
                        var key = r.GetString()!;
                        r.Read();
                        custom[key] = r.GetString() ?? "";
                    }
                    break;
                default: r.Skip(); break;
            }
        }
        if (!Enum.IsDefined(kind)) throw new FormatException($"stored object metadata has an unknown expiration kind {(int)kind}");
        return new ObjectMetadata
        {
            ContentType = contentType,
            Compression = compression,
            Expiration = new ExpirationPolicy(kind, TimeSpan.FromTicks(durationTicks)),
            TimeCreated = created,
            TimeExpires = expires,
            Origin = origin,
            Filename = filename,
            Size = size,
            Custom = custom ?? new Dictionary<string, string>(),
        };
    }
}
