using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Silo.Configuration;
using ObjectStore.Silo.Hosting;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace ObjectStore.Client.Tests;

/// <summary>
/// The one place these tests start the real server: embedded default storage in a temp directory, on a free loopback
/// port, auth enforced with a fresh Ed25519 key (kid <c>test_kid</c>, all permissions), as objectstore's own Python e2e
/// fixture configures it. Only this file knows how the server is hosted.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime, IAsyncDisposable
{
    public const string KeyId = "test_kid";

    private readonly (string Name, string Value)[] _environment;
    private ServerHost? _host;

    public ServerFixture() : this([]) { }

    /// <summary>A server with extra <c>OS__</c> settings (names without the prefix).</summary>
    internal ServerFixture(params (string Name, string Value)[] environment) => _environment = environment;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "os-client-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>The server's URL.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The private key the server trusts, as PKCS#8 PEM.</summary>
    public string PrivateKeyPem { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        PrivateKeyPem = Pem("PRIVATE KEY", PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetDerEncoded());
        var publicPath = Path.Combine(Directory, "ed25519.public.pem");
        await File.WriteAllTextAsync(publicPath, Pem("PUBLIC KEY", SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo((Ed25519PublicKeyParameters)pair.Public).GetDerEncoded()));

        var variables = new Dictionary<string, string?>
        {
            ["OS__HTTP_ADDR"] = "127.0.0.1:0",
            ["OS__STORAGE__PATH"] = Path.Combine(Directory, "data"),
            ["OS__AUTH__ENFORCE"] = "true",
            // figment's dict syntax, exactly as the Python fixture writes it.
            ["OS__AUTH__KEYS"] = $"{{{KeyId}={{key_files=[\"{publicPath}\"],max_permissions=[\"object.read\",\"object.write\",\"object.delete\"]}}}}",
        };
        foreach (var (name, value) in _environment) variables["OS__" + name] = value;
        _host = await ServerHost.StartAsync(ConfigLoader.Load(configFile: null, variables), new ServerHostSettings
        {
            DownFile = Path.Combine(Directory, "objectstore.down"),
            LoggerFactory = NullLoggerFactory.Instance,
        });
        BaseAddress = new Uri($"http://127.0.0.1:{_host.Address.Port}");
    }

    /// <summary>Options for a client of this server that mints tokens with the trusted key.</summary>
    public ObjectStoreClientOptions Options(Action<ObjectStoreClientOptions>? configure = null)
    {
        var options = new ObjectStoreClientOptions
        {
            BaseAddress = BaseAddress,
            SigningKey = new ObjectStoreSigningKey { KeyId = KeyId, PrivateKeyPem = PrivateKeyPem },
        };
        configure?.Invoke(options);
        return options;
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private static string Pem(string label, byte[] der) =>
        $"-----BEGIN {label}-----\n{Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks)}\n-----END {label}-----\n";
}
