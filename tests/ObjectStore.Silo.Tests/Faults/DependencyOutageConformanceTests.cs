using ObjectStore.Grains.Uploads;
using System.Text;
using ObjectStore.Gateway.Endpoints;
using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Objects;
using ObjectStore.Silo.Tests.Conformance;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Silo.Tests.Faults;

/// <summary>
/// On the wire, through a real server whose backend fails as an unreachable owner silo would: every object route
/// answers 503 with <c>Retry-After</c> and a detail naming the dependency, never 500; client framing faults are 400.
/// </summary>
public sealed class DependencyOutageConformanceTests : IAsyncLifetime
{
    private ConformanceServer _server = null!;

    public async Task InitializeAsync() => _server = await ConformanceServer.StartAsync(_ => new UnreachableOwnerBackend());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("GET", "/v1/objects/conformance/org=1/k")]
    [InlineData("HEAD", "/v1/objects/conformance/org=1/k")]
    [InlineData("PUT", "/v1/objects/conformance/org=1/k")]
    [InlineData("DELETE", "/v1/objects/conformance/org=1/k")]
    [InlineData("PUT", "/v1/objects:multipart/conformance/org=1/k")]
    public async Task An_unreachable_owner_silo_is_503_with_retry_after(string method, string target)
    {
        var response = await _server.SendAsync(method, target, method == "PUT" ? "body"u8.ToArray() : null);

        Assert.Equal(503, response.Status);
        Assert.Equal("1", response.Header("retry-after"));
        if (method != "HEAD") Assert.StartsWith("service unavailable: the owner silo of the object is unavailable", Wire.Detail(response));
    }

    [Fact]
    public async Task An_expiry_extension_on_an_unreachable_owner_silo_is_503_with_retry_after()
    {
        var body = Encoding.UTF8.GetBytes("""{"extend_expiry": {"after": "1d", "from": "now"}}""");
        var response = await _server.SendAsync("PATCH", "/v1/objects/conformance/org=1/k", body, [("content-type", "application/json")]);

        Assert.Equal(503, response.Status);
        Assert.Equal("1", response.Header("retry-after"));
        Assert.StartsWith("service unavailable: the owner silo of the object is unavailable", Wire.Detail(response));
    }

    /// <summary>Every call fails the way Orleans reports a dead owner silo.</summary>
    private sealed class UnreachableOwnerBackend : IObjectBackend
    {
        private static Exception Down() => new SiloUnavailableException("The target silo became unavailable for message: object/k");

        public Task<MultipartCompletion> CompleteMultipartAsync(ObjectId id, string uploadId, IReadOnlyList<CompletedPart> parts, CancellationToken cancellationToken) => throw Down();

        public async Task PutAsync(ObjectId id, ObjectMetadata metadata, Stream body, long? contentLength, CancellationToken cancellationToken)
        {
            await body.CopyToAsync(Stream.Null, cancellationToken);
            throw Down();
        }

        public Task<ObjectContent?> GetAsync(ObjectId id, ByteRange? range, CancellationToken cancellationToken) => throw Down();

        public Task<ObjectMetadata?> HeadAsync(ObjectId id, CancellationToken cancellationToken) => throw Down();

        public Task DeleteAsync(ObjectId id, CancellationToken cancellationToken) => throw Down();

        public Task<ExpiryResult> ExtendExpiryAsync(ObjectId id, ExpiryRequest request, CancellationToken cancellationToken) => throw Down();

        public Task<string> InitiateMultipartAsync(ObjectId id, ObjectMetadata metadata, CancellationToken cancellationToken) => throw Down();

        public Task<string> UploadPartAsync(ObjectId id, string uploadId, int partNumber, Stream content, long contentLength, string? contentMd5, CancellationToken cancellationToken) => throw Down();

        public Task<PartListing> ListPartsAsync(ObjectId id, string uploadId, int? maxParts, int? partNumberMarker, CancellationToken cancellationToken) => throw Down();

        public Task AbortMultipartAsync(ObjectId id, string uploadId, CancellationToken cancellationToken) => throw Down();

        public IAsyncEnumerable<BatchResult> RunBatchAsync(IAsyncEnumerable<BatchItem> input, CancellationToken cancellationToken) => throw Down();

        public Task<Stream?> OpenRevisionAsync(ObjectId revision, CancellationToken cancellationToken) => throw Down();

        public Task<string> CreateUploadSessionAsync(ObjectId id, ObjectMetadata metadata, long length, CancellationToken cancellationToken) => throw Down();

        public Task<UploadStep> UploadChunkAsync(string session, ObjectId id, long offset, Stream body, long size, CancellationToken cancellationToken) => throw Down();

        public Task<UploadStep> QueryUploadSessionAsync(string session, ObjectId id, CancellationToken cancellationToken) => throw Down();

        public Task<UploadStep> CancelUploadSessionAsync(string session, ObjectId id, CancellationToken cancellationToken) => throw Down();
    }
}
