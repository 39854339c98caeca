using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tiered;

/// <summary>
/// The tiered upload id, as the reference forms it: base64url without padding of the JSON
/// <c>{"revision":"{key}/{uuid v7}","upload_id":"{backend upload id}"}</c>, so the revision is fixed at initiate
/// and every later call finds it without server state.
/// </summary>
internal static class MultipartUploadId
{
    public static string Encode(ObjectId revision, string backendUploadId)
    {
        var json = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            w.WriteString("revision", revision.Key);
            w.WriteString("upload_id", backendUploadId);
            w.WriteEndObject();
        }
        return Base64Url.EncodeToString(json.WrittenSpan);
    }

    /// <summary>
    /// Decodes an upload id of object <paramref name="id"/>: malformed → <see cref="FormatException"/>; well
    /// formed but naming another object's revision → <see cref="UploadNotFoundException"/>.
    /// </summary>
    public static (ObjectId Revision, string BackendUploadId) Decode(ObjectId id, string uploadId)
    {
        ArgumentNullException.ThrowIfNull(uploadId);
        string? revision = null, backend = null;
        try
        {
            var r = new Utf8JsonReader(Base64Url.DecodeFromChars(uploadId));
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) throw new FormatException("not a JSON object");
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                var name = r.GetString();
                r.Read();
                if (name == "revision") revision = r.GetString();
                else if (name == "upload_id") backend = r.GetString();
                else r.Skip();
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            throw new FormatException($"upload id '{uploadId}' is not a tiered upload id", e);
        }
        if (string.IsNullOrEmpty(revision) || string.IsNullOrEmpty(backend))
            throw new FormatException($"upload id '{uploadId}' lacks its revision or backend upload id");
        var prefix = id.Key + "/";
        if (!revision.StartsWith(prefix, StringComparison.Ordinal) || !Guid.TryParseExact(revision.AsSpan(prefix.Length), "D", out _))
            throw new UploadNotFoundException(uploadId);
        return (id.WithKey(revision), backend);
    }
}
