using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ObjectStore.Client.Tests.Hosting;

/// <summary><c>AddObjectStoreClient</c>: a typed client from IHttpClientFactory, options checked at start-up.</summary>
[Collection(EndToEnd.ServerCollection.Name)]
public sealed class ServiceCollectionTests(ServerFixture server)
{
    [Fact]
    public async Task The_registered_client_talks_to_the_server()
    {
        var services = new ServiceCollection();
        services.AddObjectStoreClient(options =>
        {
            options.BaseAddress = server.BaseAddress;
            options.SigningKey = new ObjectStoreSigningKey { KeyId = ServerFixture.KeyId, PrivateKeyPem = server.PrivateKeyPem };
        });
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        provider.GetRequiredService<IStartupValidator>().Validate();

        var session = provider.GetRequiredService<ObjectStoreClient>().Session(new Usecase("dependency-injection"), ("org", "1"));
        var key = await session.PutAsync("from DI");

        await using var retrieved = await session.GetAsync(key);
        Assert.Equal("from DI"u8.ToArray(), await retrieved!.ReadAllBytesAsync());
    }

    [Fact]
    public void Start_up_validation_names_every_bad_option()
    {
        var services = new ServiceCollection();
        services.AddObjectStoreClient(options =>
        {
            options.BaseAddress = new Uri("ftp://example/");
            options.Token = "t";
            options.SigningKey = new ObjectStoreSigningKey { KeyId = "k", PrivateKeyPem = "not a key" };
            options.MaxRetries = -1;
            options.MultipartPartSize = 1024;
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var message = string.Join("\n", error.Failures);
        Assert.Contains("ObjectStoreClientOptions.BaseAddress must be an absolute http or https URL", message);
        Assert.Contains("ObjectStoreClientOptions.Token and SigningKey are exclusive", message);
        Assert.Contains("ObjectStoreClientOptions.SigningKey.PrivateKeyPem: expected a PEM block", message);
        Assert.Contains("ObjectStoreClientOptions.MaxRetries", message);
        Assert.Contains("ObjectStoreClientOptions.MultipartPartSize", message);
    }

    [Fact]
    public void A_client_without_a_base_address_is_refused_naming_it()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new ObjectStoreClient(new ObjectStoreClientOptions()));

        Assert.Contains("ObjectStoreClientOptions.BaseAddress is required", error.Message);
    }
}
