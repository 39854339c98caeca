using System.Net;
using System.Text;

namespace ObjectStore.Bench.Load.Targets;

/// <summary>One operation of a batch request: an insert of a generated payload, or a delete (no body).</summary>
internal readonly record struct BatchPart(string Key, long Size, ulong Seed, bool Delete = false)
{
    /// <summary>An insert of <paramref name="item"/> at <paramref name="key"/>.</summary>
    public static BatchPart Insert(ObjectToWrite item, string key) => new(key, item.Size, item.Seed);

    /// <summary>A delete of <paramref name="key"/>.</summary>
    public static BatchPart Remove(string key) => new(key, 0, 0, Delete: true);
}

/// <summary>
/// The body of <c>POST /v1/objects:batch/{u}/{s}/</c>, one part per operation (§7.1), laid out as the Rust
/// client's <c>many()</c> (reqwest multipart) writes it; payloads are generated while streaming, the length is known up front.
/// </summary>
internal sealed class BatchRequestContent : HttpContent
{
    private readonly string _boundary;
    private readonly IReadOnlyList<BatchPart> _parts;
    private readonly string _expiration;

    public BatchRequestContent(string boundary, IReadOnlyList<BatchPart> parts, string expiration)
    {
        _boundary = boundary;
        _parts = parts;
        _expiration = expiration;
        Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundary}");
    }

    /// <summary>The header block of one part, from its opening delimiter to the blank line.</summary>
    public static string PartHead(string boundary, BatchPart part, string expiration) =>
        $"--{boundary}\r\n" +
        "content-disposition: form-data; name=\"part\"\r\n" +
        $"x-sn-batch-operation-kind: {(part.Delete ? "delete" : "insert")}\r\n" +
        $"x-sn-batch-operation-key: {PercentEncode(part.Key)}\r\n" +
        (part.Delete ? "" : $"content-type: application/octet-stream\r\nx-sn-expiration: {expiration}\r\n") +
        "\r\n";

    /// <summary>The closing delimiter.</summary>
    public static string Tail(string boundary) => $"--{boundary}--\r\n";

    /// <summary>Percent-encodes every byte of the UTF-8 key outside [A-Za-z0-9], uppercase hex (§7.1).</summary>
    public static string PercentEncode(string key)
    {
        var builder = new StringBuilder(key.Length);
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            if (char.IsAsciiLetterOrDigit((char)b)) builder.Append((char)b);
            else builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var crlf = "\r\n"u8.ToArray();
        foreach (var part in _parts)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(PartHead(_boundary, part, _expiration)), cancellationToken);
            await Payload.WriteToAsync(stream, part.Seed, 0, part.Size, cancellationToken);
            await stream.WriteAsync(crlf, cancellationToken);
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Tail(_boundary)), cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = Encoding.ASCII.GetByteCount(Tail(_boundary));
        foreach (var part in _parts) length += Encoding.ASCII.GetByteCount(PartHead(_boundary, part, _expiration)) + part.Size + 2;
        return true;
    }
}
