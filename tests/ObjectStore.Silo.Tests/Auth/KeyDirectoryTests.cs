using ObjectStore.Gateway.Auth;

namespace ObjectStore.Silo.Tests.Auth;

public sealed class KeyDirectoryTests : IDisposable
{
    private const string ReferenceTestKey = "MCowBQYDK2VwAyEAiVUSuYRtiKvCEMPLn6PAIAvm6gstMvH5gCEEsppTyiU=";
    private readonly string _dir = Directory.CreateTempSubdirectory("os-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = System.IO.Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void The_reference_test_public_key_parses()
    {
        var key = KeyDirectory.ParsePublicKeyPem($"-----BEGIN PUBLIC KEY-----\n{ReferenceTestKey}\n-----END PUBLIC KEY-----\n");
        Assert.Equal(Convert.FromBase64String(ReferenceTestKey)[12..], key.GetEncoded());
    }

    [Fact]
    public void Load_reads_every_version_and_max_permissions()
    {
        var a = new TestSigner();
        var b = new TestSigner();
        var options = new AuthOptions
        {
            Keys = new Dictionary<string, AuthKeyOptions>
            {
                ["test_kid"] = new() { KeyFiles = [Write("a.pem", a.PublicPem), Write("b.pem", b.PublicPem)], MaxPermissions = ["object.read", "object.delete"] },
            },
        };
        var directory = KeyDirectory.Load(options);
        Assert.True(directory.TryGet("test_kid", out var key));
        Assert.Equal(2, key.VersionCount);
        Assert.Equal(Permissions.Read | Permissions.Delete, key.MaxPermissions);
        var message = "hello"u8.ToArray();
        Assert.True(key.Verify(message, b.Sign(message)));
        Assert.False(key.Verify(message, new TestSigner().Sign(message)));
    }

    [Fact]
    public void A_missing_key_file_names_its_config_key()
    {
        var options = new AuthOptions { Keys = new Dictionary<string, AuthKeyOptions> { ["k1"] = new() { KeyFiles = [System.IO.Path.Combine(_dir, "nope.pem")] } } };
        var e = Assert.Throws<FormatException>(() => KeyDirectory.Load(options));
        Assert.StartsWith("auth.keys.k1.key_files[0]: ", e.Message);
    }

    [Theory]
    [InlineData("not a pem")]
    [InlineData("-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEAAAA\n-----END PUBLIC KEY-----")]
    public void A_file_that_is_not_an_Ed25519_public_key_is_rejected(string text)
    {
        var options = new AuthOptions { Keys = new Dictionary<string, AuthKeyOptions> { ["k1"] = new() { KeyFiles = [Write("bad.pem", text)] } } };
        var e = Assert.Throws<FormatException>(() => KeyDirectory.Load(options));
        Assert.StartsWith("auth.keys.k1.key_files[0]: ", e.Message);
    }

    [Fact]
    public void An_unknown_permission_name_is_rejected_with_its_index()
    {
        var e = Assert.Throws<FormatException>(() => KeyDirectory.ParseMaxPermissions("k1", ["object.read", "object.admin"]));
        Assert.StartsWith("auth.keys.k1.max_permissions[1]: ", e.Message);
    }
}
