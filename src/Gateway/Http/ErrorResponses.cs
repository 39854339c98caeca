using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ObjectStore.Gateway.Http;

/// <summary>Writes error answers (api doc §4): JSON <c>{"detail","causes"}</c>, plain text, or empty.</summary>
internal static class ErrorResponses
{
    /// <summary>Content type of plain-text rejections.</summary>
    public const string TextContentType = "text/plain; charset=utf-8";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Sends <paramref name="error"/> as the whole response; the response must not have started.</summary>
    public static async Task WriteAsync(HttpResponse response, ApiError error, CancellationToken cancellationToken = default)
    {
        response.StatusCode = error.Status;
        if (error.RetryAfterSeconds is { } seconds) response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (error.Body)
        {
            case ErrorBodyKind.Json:
                response.ContentType = "application/json";
                WriteJson(response.BodyWriter, error);
                await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
                break;
            case ErrorBodyKind.Text:
                response.ContentType = TextContentType;
                await response.WriteAsync(error.Detail, cancellationToken).ConfigureAwait(false);
                break;
            default:
                response.ContentLength = 0;
                break;
        }
    }

    /// <summary>Writes the §4.1 JSON body: <c>detail</c>, then <c>causes</c> only when there are any.</summary>
    public static void WriteJson(IBufferWriter<byte> output, ApiError error)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("detail"u8, error.Detail);
        if (error.Causes.Count > 0)
        {
            writer.WriteStartArray("causes"u8);
            foreach (var cause in error.Causes) writer.WriteStringValue(cause);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }
}
