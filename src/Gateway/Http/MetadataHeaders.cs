using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Http;

/// <summary>Receives response header lines; lets one writer serve HTTP responses and batch parts alike.</summary>
internal interface IHeaderSink
{
    /// <summary>Adds one header line.</summary>
    void Add(string name, string value);
}

/// <summary>
/// Object metadata on the wire (api doc §5): parsing request headers into <see cref="ObjectMetadata"/>
/// with every rule of §5.1, and writing the §5.3 response header set with lowercase names. Origin, filename and custom
/// values are percent-encoded UTF-8 on the wire and logical strings in storage (objectstore-types 0.3.1
/// <c>headers.rs</c>): decoded on the way in, minimally escaped on the way out (<see cref="PercentEncoding.EncodeHeaderValue"/>).
/// </summary>
internal static class MetadataHeaders
{
    /// <summary><c>x-sn-expiration</c>.</summary>
    public const string Expiration = "x-sn-expiration";
    /// <summary><c>x-sn-time-created</c>.</summary>
    public const string TimeCreated = "x-sn-time-created";
    /// <summary><c>x-sn-time-expires</c>.</summary>
    public const string TimeExpires = "x-sn-time-expires";
    /// <summary><c>x-sn-origin</c>.</summary>
    public const string Origin = "x-sn-origin";
    /// <summary><c>x-sn-filename</c>.</summary>
    public const string Filename = "x-sn-filename";
    /// <summary>Prefix of custom metadata headers.</summary>
    public const string CustomPrefix = "x-snme-";
    /// <summary><c>x-sn-size</c>: the whole stored size (compressed bytes when compressed), on single-object GET and HEAD.</summary>
    public const string Size = "x-sn-size";

    private const string DetailPrefix = "service error: metadata error: ";

    /// <summary>Accumulates metadata from header lines, one at a time, in arrival order.</summary>
    public struct Reader
    {
        private string? _contentType;
        private string? _compression;
        private ExpirationPolicy _expiration;
        private string? _origin;
        private string? _filename;
        private Dictionary<string, string>? _custom;

        /// <summary>
        /// Takes one header line; unknown names are ignored (their values unchecked). False with the
        /// 400 error when a metadata header's value is invalid.
        /// </summary>
        public bool TryAdd(string name, string value, out ApiError? error)
        {
            error = null;
            if (name.Equals("content-type", StringComparison.OrdinalIgnoreCase))
            {
                if (!IsVisibleAscii(value)) return Fail("error dealing with http headers", out error);
                if (!MediaType.IsValid(value)) return Fail("invalid content type", out error);
                _contentType = value;
            }
            else if (name.Equals("content-encoding", StringComparison.OrdinalIgnoreCase))
            {
                if (!IsVisibleAscii(value)) return Fail("error dealing with http headers", out error);
                if (value != "zstd") return Fail("invalid compression value", out error);
                _compression = value;
            }
            else if (name.Length >= 5 && name.StartsWith("x-sn", StringComparison.OrdinalIgnoreCase))
            {
                return TryAddObjectstoreHeader(name, value, out error);
            }
            return true;
        }

        private bool TryAddObjectstoreHeader(string name, string value, out ApiError? error)
        {
            error = null;
            if (name.Equals(Expiration, StringComparison.OrdinalIgnoreCase))
            {
                if (!IsVisibleAscii(value)) return Fail("error dealing with http headers", out error);
                if (!ExpirationPolicy.TryParse(value, out var policy)) return Fail("invalid expiration policy value", out error);
                _expiration = policy;
            }
            else if (name.Equals(TimeCreated, StringComparison.OrdinalIgnoreCase) || name.Equals(TimeExpires, StringComparison.OrdinalIgnoreCase))
            {
                // Server-stamped: ignored entirely, even when malformed.
            }
            else if (name.Equals(Origin, StringComparison.OrdinalIgnoreCase))
            {
                if (!TryDecodeValue(Origin, value, out _origin, out error)) return false;
            }
            else if (name.Equals(Filename, StringComparison.OrdinalIgnoreCase))
            {
                if (!TryDecodeValue(Filename, value, out _filename, out error)) return false;
            }
            else if (name.StartsWith(CustomPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var key = name[CustomPrefix.Length..].ToLowerInvariant();
                if (!TryDecodeValue(CustomPrefix + key, value, out var decoded, out error)) return false;
                (_custom ??= new Dictionary<string, string>(StringComparer.Ordinal))[key] = decoded!;
            }
            return true;
        }

        /// <summary>
        /// A free-form value's logical string (objectstore-types 0.3.1 <c>decode_header_value</c>): raw bytes outside
        /// visible ASCII are refused (a conforming writer escapes them), escapes are decoded whatever the writer chose to
        /// escape, an invalid escape stays literal, and the decoded bytes must be UTF-8.
        /// </summary>
        private static bool TryDecodeValue(string name, string value, out string? decoded, out ApiError? error)
        {
            decoded = null;
            error = null;
            if (!IsVisibleAscii(value)) return Fail("error dealing with http headers", out error);
            if (!PercentEncoding.TryDecode(value, out var text)) return Fail($"invalid {name} value: not valid percent-encoded UTF-8", out error);
            decoded = text;
            return true;
        }

        /// <summary>The metadata read so far (defaults for what was not sent); timestamps unset.</summary>
        public readonly ObjectMetadata Build() => new()
        {
            ContentType = _contentType ?? ObjectMetadata.DefaultContentType,
            Compression = _compression,
            Expiration = _expiration,
            Origin = _origin,
            Filename = _filename,
            Custom = _custom is null ? new Dictionary<string, string>() : _custom,
        };

        private static bool Fail(string what, out ApiError? error)
        {
            error = ApiError.Json(400, DetailPrefix + what);
            return false;
        }
    }

    /// <summary>Parses the metadata of a write request (POST/PUT, multipart initiate).</summary>
    public static bool TryRead(IHeaderDictionary headers, out ObjectMetadata metadata, out ApiError? error)
    {
        var reader = new Reader();
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                if (!reader.TryAdd(name, value ?? "", out error))
                {
                    metadata = new ObjectMetadata();
                    return false;
                }
            }
        }
        metadata = reader.Build();
        error = null;
        return true;
    }

    /// <summary>True when every character is visible ASCII, space or tab (what a header value may be as text).</summary>
    public static bool IsVisibleAscii(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
            if (c is (< ' ' and not '\t') or >= (char)0x7F) return false;
        return true;
    }

    /// <summary>
    /// Writes the §5.3 metadata headers; with <paramref name="singleObject"/> also <c>x-sn-size</c> (when the size is
    /// known), <c>content-disposition</c> (always: <c>attachment</c>, with the filename when one is stored) and
    /// <c>accept-ranges: bytes</c>, as objectstore's later servers answer GET and HEAD (docs/api.md).
    /// </summary>
    public static void Write<TSink>(ObjectMetadata metadata, ref TSink sink, bool singleObject, bool includeContentType = true)
        where TSink : struct, IHeaderSink
    {
        if (includeContentType) sink.Add("content-type", metadata.ContentType);
        if (metadata.Compression is { } compression) sink.Add("content-encoding", compression);
        if (metadata.Expiration.Expires) sink.Add(Expiration, metadata.Expiration.ToString());
        if (metadata.TimeCreated is { } created) sink.Add(TimeCreated, ObjectTimestamp.Format(created));
        if (metadata.TimeExpires is { } expires) sink.Add(TimeExpires, ObjectTimestamp.Format(expires));
        if (metadata.Origin is { } origin) sink.Add(Origin, PercentEncoding.EncodeHeaderValue(origin));
        if (metadata.Filename is { } filename) sink.Add(Filename, PercentEncoding.EncodeHeaderValue(filename));
        if (metadata.Custom.Count > 0)
        {
            // Sorted like the reference's ordered map, so output is deterministic.
            var names = metadata.Custom.Keys.ToArray();
            Array.Sort(names, StringComparer.Ordinal);
            foreach (var name in names) sink.Add(CustomPrefix + name, PercentEncoding.EncodeHeaderValue(metadata.Custom[name]));
        }
        if (!singleObject) return;
        if (metadata.Size is { } size) sink.Add(Size, size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        sink.Add("content-disposition", metadata.Filename is { } file ? ContentDisposition(file) : "attachment");
        sink.Add("accept-ranges", "bytes");
    }

    /// <summary>Writes the metadata headers onto an HTTP response (single-object GET/HEAD form).</summary>
    public static void Write(ObjectMetadata metadata, IHeaderDictionary headers, bool singleObject = true)
    {
        var sink = new HeaderDictionarySink(headers);
        Write(metadata, ref sink, singleObject);
    }

    /// <summary>
    /// <c>attachment; filename="…"</c> with the §5.2 sanitising: <c>/</c> and <c>\</c> become <c>-</c>,
    /// an all-dots name becomes dashes, <c>"</c> is escaped, and (as later servers do, objectstore-server
    /// <c>endpoints/objects.rs</c> <c>format_content_disposition</c>) each non-ASCII or control character becomes
    /// <c>_</c>, so the value is always a valid header; a name that is not pure ASCII also gets the RFC 8187
    /// <c>filename*</c> with its full UTF-8 value, the quoted one being the fallback for clients that ignore it.
    /// </summary>
    public static string ContentDisposition(string filename)
    {
        var allDots = filename.Length > 0 && filename.AsSpan().IndexOfAnyExcept('.') < 0;
        var sb = new StringBuilder(filename.Length + 24);
        sb.Append("attachment; filename=\"");
        foreach (var rune in filename.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '/' or '\\':
                    sb.Append('-');
                    break;
                case '.' when allDots:
                    sb.Append('-');
                    break;
                case '"':
                    sb.Append("\\\"");
                    break;
                case < 0x20 or >= 0x7F:
                    sb.Append('_');
                    break;
                default:
                    sb.Append((char)rune.Value);
                    break;
            }
        }
        sb.Append('"');
        if (!Ascii.IsValid(filename)) sb.Append("; filename*=").Append(PercentEncoding.EncodeExtValue(filename));
        return sb.ToString();
    }

    private readonly struct HeaderDictionarySink(IHeaderDictionary headers) : IHeaderSink
    {
        public void Add(string name, string value) => headers.Append(name, new StringValues(value));
    }
}
