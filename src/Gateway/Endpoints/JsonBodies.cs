using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>Small JSON response bodies written straight into the response pipe.</summary>
internal static class JsonBodies
{
    /// <summary>Keys and messages are echoed as UTF-8, not <c>\u</c>-escaped.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Sends <paramref name="status"/> with <c>application/json</c> and the document <paramref name="write"/> produces.</summary>
    public static async Task WriteAsync(HttpResponse response, int status, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        Write(response, write);
        await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes one JSON document into the response body (no flush).</summary>
    public static void Write(HttpResponse response, Action<Utf8JsonWriter> write)
    {
        using var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions);
        write(writer);
    }

    /// <summary><c>{"key": key}</c>.</summary>
    public static Task WriteKeyAsync(HttpResponse response, int status, string key, CancellationToken cancellationToken) =>
        WriteAsync(response, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("key"u8, key);
            w.WriteEndObject();
        }, cancellationToken);
}
