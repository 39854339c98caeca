using Microsoft.Extensions.Logging;
using ObjectStore.Gateway.Admission;
using ObjectStore.Gateway.Auth;
using ObjectStore.Grains.Concurrency;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>Everything the request pipeline consults, built once per process from the configuration.</summary>
internal sealed class GatewayServices(
    IObjectBackend backend,
    Authenticator authenticator,
    Killswitches killswitches,
    RateLimiter rateLimiter,
    UsecasePolicies usecasePolicies,
    WebConcurrencyGate webGate,
    ServiceConcurrencyLimiter serviceLimiter,
    Readiness readiness,
    ILoggerFactory loggerFactory)
{
    /// <summary>Storage operations.</summary>
    public IObjectBackend Backend { get; } = backend;

    /// <summary>Step 3 of §3.1.</summary>
    public Authenticator Authenticator { get; } = authenticator;

    /// <summary>403 text after path parsing.</summary>
    public Killswitches Killswitches { get; } = killswitches;

    /// <summary>429 text at admission; byte accounting.</summary>
    public RateLimiter RateLimiter { get; } = rateLimiter;

    /// <summary>Expiration constraints per usecase (400).</summary>
    public UsecasePolicies UsecasePolicies { get; } = usecasePolicies;

    /// <summary>503 gate.</summary>
    public WebConcurrencyGate WebGate { get; } = webGate;

    /// <summary>Backend permits (429 JSON).</summary>
    public ServiceConcurrencyLimiter ServiceLimiter { get; } = serviceLimiter;

    /// <summary>What <c>/ready</c> reports.</summary>
    public Readiness Readiness { get; } = readiness;

    /// <summary>Loggers for the endpoints.</summary>
    public ILogger Logger { get; } = loggerFactory.CreateLogger("ObjectStore.Gateway");
}
