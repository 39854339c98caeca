namespace ObjectStore.Gateway.Http;

/// <summary>How an error response carries its message (api doc §4).</summary>
internal enum ErrorBodyKind
{
    /// <summary><c>application/json</c> <c>{"detail": …, "causes": […]}</c> (§4.1).</summary>
    Json,
    /// <summary>Plain text, the framework-style rejections of §4.2.</summary>
    Text,
    /// <summary>No body (404, 503 gate).</summary>
    Empty,
}

/// <summary>An error answer: status, message and the body form the contract prescribes for it.</summary>
internal sealed record ApiError(int Status, string Detail, IReadOnlyList<string> Causes, ErrorBodyKind Body)
{
    /// <summary>Sent as <c>Retry-After</c> when set: the answer is retryable (a dependency outage, not the request).</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>A §4.1 JSON error.</summary>
    public static ApiError Json(int status, string detail, params IReadOnlyList<string> causes) => new(status, detail, causes, ErrorBodyKind.Json);

    /// <summary>A §4.2 plain-text rejection.</summary>
    public static ApiError Text(int status, string text) => new(status, text, [], ErrorBodyKind.Text);

    /// <summary>A bodiless answer (404 not found, 503 gate).</summary>
    public static ApiError Empty(int status) => new(status, "", [], ErrorBodyKind.Empty);
}

/// <summary>Thrown by gateway code to answer with a specific <see cref="ApiError"/>.</summary>
internal sealed class ApiException : Exception
{
    /// <summary>Wraps <paramref name="error"/>; <paramref name="inner"/> becomes its first cause when given.</summary>
    public ApiException(ApiError error, Exception? inner = null) : base(error.Detail, inner) => Error = error;

    /// <summary>The answer to send.</summary>
    public ApiError Error { get; }

    /// <summary>400 with a <c>client error: …</c> JSON detail.</summary>
    public static ApiException ClientError(string message) => new(ApiError.Json(400, "client error: " + message));
}
