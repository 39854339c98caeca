using System.Text;
using Microsoft.AspNetCore.Http;
using ObjectStore.Gateway.Http;
using ObjectStore.Storage.LongTerm;

namespace ObjectStore.Gateway.Tests.Http;

public sealed class ErrorResponsesTests
{
    private static async Task<(HttpResponse Response, string Body)> Send(ApiError error)
    {
        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;
        await ErrorResponses.WriteAsync(context.Response, error);
        return (context.Response, Encoding.UTF8.GetString(body.ToArray()));
    }

    [Fact]
    public async Task Json_errors_have_detail_and_causes()
    {
        var (response, body) = await Send(ApiError.Json(500, "service error: boom", "disk \"full\"", "io"));

        Assert.Equal(500, response.StatusCode);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal("{\"detail\":\"service error: boom\",\"causes\":[\"disk \\\"full\\\"\",\"io\"]}", body);
    }

    [Fact]
    public async Task Json_errors_omit_empty_causes()
    {
        var (_, body) = await Send(ApiError.Json(429, "service error: concurrency limit reached"));

        Assert.Equal("{\"detail\":\"service error: concurrency limit reached\"}", body);
    }

    [Fact]
    public async Task Plain_text_rejections_are_text()
    {
        var (response, body) = await Send(ApiError.Text(403, "Object access is disabled for this scope through killswitches"));

        Assert.Equal(403, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.ContentType);
        Assert.Equal("Object access is disabled for this scope through killswitches", body);
    }

    [Fact]
    public async Task Empty_answers_have_no_body()
    {
        var (response, body) = await Send(ApiError.Empty(404));

        Assert.Equal(404, response.StatusCode);
        Assert.Equal(0, response.ContentLength);
        Assert.Equal("", body);
    }

    [Fact]
    public void Typed_exceptions_map_in_one_place()
    {
        Assert.Equal(400, ErrorMapping.ToApiError(ApiException.ClientError("Content-Length header is required")).Status);
        Assert.Equal("client error: Content-Length header is required", ErrorMapping.ToApiError(ApiException.ClientError("Content-Length header is required")).Detail);
        Assert.Equal(413, ErrorMapping.ToApiError(new BadHttpRequestException("too big", 413)).Status);
        Assert.Equal(400, ErrorMapping.ToApiError(new BadHttpRequestException("unexpected end", 400)).Status);
        Assert.Equal(400, ErrorMapping.ToApiError(new OperationCanceledException(), requestAborted: true).Status);
        Assert.Equal(404, ErrorMapping.ToApiError(new UploadNotFoundException("u1")).Status);
        Assert.Equal(400, ErrorMapping.ToApiError(new PartIntegrityException("content-md5 mismatch")).Status);
        Assert.Equal(501, ErrorMapping.ToApiError(new NotSupportedException()).Status);
    }

    [Fact]
    public void Unknown_failures_are_500_service_errors_with_their_cause_chain()
    {
        var error = ErrorMapping.ToApiError(new InvalidOperationException("write failed", new IOException("disk full")));

        Assert.Equal(500, error.Status);
        Assert.Equal("service error: write failed", error.Detail);
        Assert.Equal(["disk full"], error.Causes);
        Assert.Equal(500, ErrorMapping.ToApiError(new OperationCanceledException(), requestAborted: false).Status);
    }

    [Fact]
    public async Task A_retryable_error_carries_retry_after()
    {
        var (response, _) = await Send(ApiError.Json(503, "service unavailable: PostgreSQL is unreachable; retry later") with { RetryAfterSeconds = 1 });

        Assert.Equal(503, response.StatusCode);
        Assert.Equal("1", response.Headers.RetryAfter.ToString());
    }

    [Theory]
    [InlineData(200, "200 OK")]
    [InlineData(201, "201 Created")]
    [InlineData(204, "204 No Content")]
    [InlineData(404, "404 Not Found")]
    [InlineData(413, "413 Payload Too Large")]
    [InlineData(429, "429 Too Many Requests")]
    [InlineData(599, "599")]
    public void Status_lines_use_canonical_reasons(int status, string line)
    {
        Assert.Equal(line, StatusReasons.StatusLine(status));
    }
}
