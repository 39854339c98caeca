namespace ObjectStore.Gateway.Auth;

/// <summary>
/// An authentication or authorization failure with the HTTP status and the JSON <c>detail</c> text of
/// api doc §4.1. The gateway maps it to <c>{"detail": …}</c> in one place.
/// </summary>
internal sealed class AuthException : Exception
{
    private AuthException(int statusCode, string detail) : base(detail)
    {
        StatusCode = statusCode;
        Detail = detail;
    }

    /// <summary>400, 401 or 403.</summary>
    public int StatusCode { get; }

    /// <summary>The exact <c>detail</c> text of the error body.</summary>
    public string Detail { get; }

    public static AuthException NoToken() => BadRequest("No authorization token provided");

    public static AuthException MissingKid() => BadRequest("JWT header is missing `kid` field");

    public static AuthException PresignedBadParameters() => BadRequest("presigned URL has missing or invalid parameters");

    public static AuthException PresignedTooLong() => BadRequest("presigned URL validity exceeds the maximum of 1 week");

    /// <summary>401 for a token that could not be decoded or validated; <paramref name="reason"/> names why.</summary>
    public static AuthException DecodeFailed(string reason) => new(401, "auth error: failed to decode token: " + reason);

    public static AuthException UnknownKey() => new(401, "auth error: unknown key");

    public static AuthException VerifyFailed() => new(401, "auth error: failed to verify token");

    public static AuthException NotAllowed() => new(403, "auth error: operation not allowed");

    public static AuthException PresignedMethod() => new(403, "auth error: presigned URLs are not supported for this method");

    private static AuthException BadRequest(string what) => new(400, "auth error: bad request: " + what);
}
