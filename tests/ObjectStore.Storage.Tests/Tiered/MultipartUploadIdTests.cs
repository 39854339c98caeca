using System.Buffers.Text;
using System.Text.Json;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Storage.Tests.Tiered;

public sealed class MultipartUploadIdTests
{
    private static readonly ObjectId Id = new("u", Scopes.Empty, "a/b c");

    [Fact]
    public void Upload_id_is_unpadded_base64url_of_the_reference_json()
    {
        var revision = Revision.NewFor(Id);
        var uploadId = MultipartUploadId.Encode(revision, "backend+/=id");
        Assert.DoesNotContain('=', uploadId);
        Assert.DoesNotContain('+', uploadId);
        Assert.DoesNotContain('/', uploadId);
        using var json = JsonDocument.Parse(Base64Url.DecodeFromChars(uploadId));
        Assert.Equal(revision.Key, json.RootElement.GetProperty("revision").GetString());
        Assert.Equal("backend+/=id", json.RootElement.GetProperty("upload_id").GetString());
        Assert.Equal((revision, "backend+/=id"), MultipartUploadId.Decode(Id, uploadId));
    }

    [Fact]
    public void Upload_id_of_another_key_is_not_found_and_garbage_is_a_format_error()
    {
        var uploadId = MultipartUploadId.Encode(Revision.NewFor(Id.WithKey("other")), "x");
        Assert.Throws<UploadNotFoundException>(() => MultipartUploadId.Decode(Id, uploadId));
        Assert.Throws<FormatException>(() => MultipartUploadId.Decode(Id, "%%%"));
        Assert.Throws<FormatException>(() => MultipartUploadId.Decode(Id, Base64Url.EncodeToString("{\"revision\":\"a/b c/x\"}"u8)));
        Assert.Throws<FormatException>(() => MultipartUploadId.Decode(Id, Base64Url.EncodeToString("[1]"u8)));
    }
}
