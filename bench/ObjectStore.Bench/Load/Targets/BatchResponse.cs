using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace ObjectStore.Bench.Load.Targets;

/// <summary>One part of a batch response: the operation index, its status code, and the error body when it failed.</summary>
internal readonly record struct BatchPartStatus(int Index, int Status, string? Error);

/// <summary>Parses the multipart batch response (§7.4): parts in completion order, each with index and status headers.</summary>
internal static class BatchResponse
{
    /// <summary>The boundary of a <c>multipart/form-data; boundary="…"</c> content type (quotes removed).</summary>
    public static string Boundary(MediaTypeHeaderValue? contentType)
    {
        if (contentType is not { MediaType: "multipart/form-data" })
            throw new FormatException($"batch response content type is '{contentType}', not multipart/form-data");
        var boundary = contentType.Parameters.FirstOrDefault(p => p.Name.Equals("boundary", StringComparison.OrdinalIgnoreCase))?.Value
            ?? throw new FormatException("batch response content type has no boundary");
        return boundary.Trim('"');
    }

    /// <summary>Every part's index and status; throws <see cref="FormatException"/> on a malformed body.</summary>
    public static IReadOnlyList<BatchPartStatus> Parse(ReadOnlySpan<byte> body, string boundary)
    {
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var closeBody = Encoding.ASCII.GetBytes("\r\n--" + boundary);
        var parts = new List<BatchPartStatus>();
        var at = body.IndexOf(delimiter);
        if (at < 0) throw new FormatException("batch response has no opening boundary");
        var rest = body[(at + delimiter.Length)..];
        while (true)
        {
            if (rest.StartsWith("--"u8)) return parts;
            if (!rest.StartsWith("\r\n"u8)) throw new FormatException("batch response boundary is not followed by CRLF");
            rest = rest[2..];
            var headEnd = rest.IndexOf("\r\n\r\n"u8);
            if (headEnd < 0) throw new FormatException("batch response part has no end of headers");
            var head = Encoding.ASCII.GetString(rest[..headEnd]);
            rest = rest[(headEnd + 4)..];
            var bodyEnd = rest.IndexOf(closeBody);
            if (bodyEnd < 0) throw new FormatException("batch response part is not closed by a boundary");
            parts.Add(ParsePart(head, rest[..bodyEnd]));
            rest = rest[(bodyEnd + closeBody.Length)..];
        }
    }

    private static BatchPartStatus ParsePart(string head, ReadOnlySpan<byte> body)
    {
        int? index = null, status = null;
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("x-sn-batch-operation-index", StringComparison.OrdinalIgnoreCase))
                index = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
            else if (name.Equals("x-sn-batch-operation-status", StringComparison.OrdinalIgnoreCase))
                status = int.Parse(value.Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture);
        }
        if (index is null || status is null) throw new FormatException($"batch response part lacks an index or status header: {head}");
        return new BatchPartStatus(index.Value, status.Value, status >= 300 ? $"{status}: {Encoding.UTF8.GetString(body)}" : null);
    }
}
