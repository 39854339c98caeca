using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ObjectStore.Client.Auth;
using ObjectStore.Client.Hosting;
using ObjectStore.Client.Http;

// The extension lives in the DI namespace so `services.AddObjectStoreClient` needs no extra using.
// ReSharper disable once CheckNamespace
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="ObjectStore.Client.ObjectStoreClient"/> with dependency injection.</summary>
public static class ObjectStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ObjectStore.Client.ObjectStoreClient"/> as a typed HttpClient (IHttpClientFactory manages the
    /// handlers), with options validated at start-up: a host fails to start naming the bad option.
    /// </summary>
    public static IHttpClientBuilder AddObjectStoreClient(this IServiceCollection services, Action<ObjectStore.Client.ObjectStoreClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ObjectStore.Client.ObjectStoreClientOptions>().Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ObjectStore.Client.ObjectStoreClientOptions>, ObjectStoreClientOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ObjectStore.Client.ObjectStoreClientOptions>>().Value;
            return new SharedClientState(ObjectStore.Client.ObjectStoreClient.CreateMinter(options, TimeProvider.System), new ResiliencePipelines(options));
        });
        return services
            .AddHttpClient<ObjectStore.Client.ObjectStoreClient, ObjectStore.Client.ObjectStoreClient>((HttpClient http, IServiceProvider sp) =>
            {
                var options = sp.GetRequiredService<IOptions<ObjectStore.Client.ObjectStoreClientOptions>>().Value;
                ObjectStore.Client.ObjectStoreClient.Configure(http);
                var shared = sp.GetRequiredService<SharedClientState>();
                return new ObjectStore.Client.ObjectStoreClient(new Transport(http, options, shared.Minter, pipelines: shared.Pipelines));
            })
            .ConfigurePrimaryHttpMessageHandler(sp => ObjectStore.Client.ObjectStoreClient.CreateHandler(
                sp.GetRequiredService<IOptions<ObjectStore.Client.ObjectStoreClientOptions>>().Value))
            // The pooled handler already recycles connections (PooledConnectionLifetime); rotating it too would only churn.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
    }
}
