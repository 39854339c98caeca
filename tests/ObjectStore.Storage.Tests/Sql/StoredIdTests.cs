using System.Security.Cryptography;
using System.Text;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Sql;

namespace ObjectStore.Storage.Tests.Sql;

public sealed class StoredIdTests
{
    // The row key is stored: it must stay SHA-256 over len(u) u len(s) s len(k) k (4-byte big-endian lengths) for
    // every key length, or rows written before a change could no longer be found.
    [Theory]
    [InlineData("attachments", "org=1;project=2", "plain")]
    [InlineData("u", "_", "k")]
    [InlineData("emoji", "org=42", "🦀/../\n:")]
    [InlineData("long", "org=1", null)]
    public void The_row_key_is_sha256_over_the_length_prefixed_parts(string usecase, string scopes, string? key)
    {
        key ??= new string('k', 10_000); // past the stack buffer: the pooled path
        var id = new ObjectId(usecase, Scopes.Parse(scopes), key);

        var stored = StoredId.From(id);

        Assert.Equal(Reference(usecase, id.Scopes.ToString(), key), stored.Hash);
    }

    private static byte[] Reference(params string[] parts)
    {
        using var framed = new MemoryStream();
        foreach (var part in parts)
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            framed.Write([(byte)(bytes.Length >> 24), (byte)(bytes.Length >> 16), (byte)(bytes.Length >> 8), (byte)bytes.Length]);
            framed.Write(bytes);
        }
        return SHA256.HashData(framed.ToArray());
    }
}
