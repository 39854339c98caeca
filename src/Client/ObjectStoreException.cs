namespace ObjectStore.Client;

/// <summary>The server answered an operation with an error status; carries the status and the server's error body.</summary>
public class ObjectStoreException : Exception
{
    /// <summary>Creates the exception for a failed operation.</summary>
    public ObjectStoreException(int statusCode, string? responseBody, string message, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        ResponseBody = responseBody;
    }

    /// <summary>The HTTP status (for batch operations: the operation's own status).</summary>
    public int StatusCode { get; }

    /// <summary>The server's error body as text (a JSON <c>{"detail",...}</c> document, plain text or empty).</summary>
    public string? ResponseBody { get; }
}

/// <summary>A multipart completion that the server answered 200 with an error document (e.g. <c>InvalidPart</c>).</summary>
public sealed class MultipartCompleteException(string code, string errorMessage, string responseBody)
    : ObjectStoreException(200, responseBody, $"multipart upload could not be completed: {code}: {errorMessage}")
{
    /// <summary>The server's error code, e.g. <c>InvalidPart</c> or <c>internal error</c>.</summary>
    public string Code { get; } = code;

    /// <summary>The server's error message.</summary>
    public string ErrorMessage { get; } = errorMessage;
}
