using System.Net;
using System.Text;

namespace ObjectStore.Bench.Load.Targets;

/// <summary>
/// The body of <c>POST /v1/objects:batch/{u}/{s}/</c> with one insert part per item (§7.1), laid out as the Rust
/// client's <c>many()</c> (reqwest multipart) writes it; payloads are generated while streaming, the length is known up front.
/// </summary>
internal sealed class BatchRequestContent : HttpContent
{
    private readonly string _boundary;
    private readonly IReadOnlyList<(ObjectToWrite Item, string Key)> _parts;
    private readonly string _expiration;

    public BatchRequestContent(string boundary, IReadOnlyList<(ObjectToWrite Item, string Key)> parts, string expiration)
    {
        _boundary = boundary;
        _parts = parts;
        _expiration = expiration;
        Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundary}");
    }

    /// <summary>The header block of one insert part, from its opening delimiter to the blank line.</summary>
    public static string PartHead(string boundary, string key, string expiration) =>
        $"--{boundary}\r\n" +
        "content-disposition: form-data; name=\"part\"\r\n" +
        "x-sn-batch-operation-kind: insert\r\n" +
        $"x-sn-batch-operation-key: {PercentEncode(key)}\r\n" +
        "content-type: application/octet-stream\r\n" +
        $"x-sn-expiration: {expiration}\r\n" +
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
        foreach (var (item, key) in _parts)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(PartHead(_boundary, key, _expiration)), cancellationToken);
            await Payload.WriteToAsync(stream, item.Seed, 0, item.Size, cancellationToken);
            await stream.WriteAsync(crlf, cancellationToken);
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Tail(_boundary)), cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = Encoding.ASCII.GetByteCount(Tail(_boundary));
        foreach (var (item, key) in _parts) length += Encoding.ASCII.GetByteCount(PartHead(_boundary, key, _expiration)) + item.Size + 2;
        return true;
    }
}
