namespace ObjectStore.Client;

/// <summary>Where the server is, how to authenticate, and the transport's limits; validated when the client starts.</summary>
public sealed class ObjectStoreClientOptions
{
    /// <summary>The server's URL, e.g. <c>http://127.0.0.1:8888</c>; a path prefix (behind a proxy) is kept.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>A static token sent as <c>x-os-auth: Bearer &lt;token&gt;</c>. Exclusive with <see cref="SigningKey"/>.</summary>
    public string? Token { get; set; }

    /// <summary>An Ed25519 key that mints a fresh scoped token per request and signs pre-signed URLs.</summary>
    public ObjectStoreSigningKey? SigningKey { get; set; }

    /// <summary>Limit on establishing a TCP connection. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Limit per attempt on waiting for the response headers of a request whose body is in memory (not streamed
    /// uploads, whose duration depends on their size, nor reading response bodies). Default 100 s.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Retries of an idempotent operation after 429, 503, a connection error or a timeout; 0 disables. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; later ones back off exponentially with jitter. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Part size of multipart uploads, at least 5 MiB (the S3 minimum for all but the last part). Default 8 MiB.</summary>
    public int MultipartPartSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Parts uploaded at once. An upload holds this many part buffers (twice that with zstd, for the compressed
    /// frames): 32 MiB, or 64 MiB with zstd, at the defaults. Default 4.
    /// </summary>
    public int MultipartConcurrency { get; set; } = 4;

    /// <summary>File uploads at least this large go up as multipart uploads. Default 64 MiB.</summary>
    public long MultipartThreshold { get; set; } = 64L * 1024 * 1024;

    /// <summary>Batch requests in flight at once for one <c>ManyAsync</c> call. Default 3, like the Rust client.</summary>
    public int BatchConcurrency { get; set; } = 3;
}

/// <summary>An Ed25519 private key (PKCS#8 PEM) and the key id the server knows its public key by.</summary>
public sealed class ObjectStoreSigningKey
{
    /// <summary>The key id (<c>kid</c>) configured on the server under <c>auth.keys</c>.</summary>
    public required string KeyId { get; init; }

    /// <summary>The private key as PEM (<c>-----BEGIN PRIVATE KEY-----</c>).</summary>
    public required string PrivateKeyPem { get; init; }

    /// <summary>Lifetime of each minted token. Default 60 s, like the official clients.</summary>
    public TimeSpan TokenExpiry { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Permissions minted tokens carry. Default all three.</summary>
    public ObjectStorePermissions Permissions { get; init; } = ObjectStorePermissions.All;

    /// <summary>Reads the PEM from a file.</summary>
    public static ObjectStoreSigningKey FromPemFile(string keyId, string path) =>
        new() { KeyId = keyId, PrivateKeyPem = File.ReadAllText(path) };
}

/// <summary>The permissions a token can grant (<c>object.read</c>, <c>object.write</c>, <c>object.delete</c>).</summary>
[Flags]
public enum ObjectStorePermissions
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary><c>object.read</c>: GET, HEAD, batch get/head.</summary>
    Read = 1,

    /// <summary><c>object.write</c>: PUT, POST, batch insert, every multipart call.</summary>
    Write = 2,

    /// <summary><c>object.delete</c>: DELETE, batch delete.</summary>
    Delete = 4,

    /// <summary>All three.</summary>
    All = Read | Write | Delete,
}
