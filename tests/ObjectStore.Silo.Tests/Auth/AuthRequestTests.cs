using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using ObjectStore.Gateway.Auth;

namespace ObjectStore.Silo.Tests.Auth;

public sealed class AuthRequestTests
{
    [Fact]
    public void The_raw_target_is_used_verbatim_not_the_decoded_path()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/v1/objects/u/_/a b";
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/v1/objects/u/_/a%20b?os_kid=k&os_sig=x";
        context.Request.Headers["X-OS-Auth"] = "Bearer t1";
        context.Request.Headers.Authorization = "Bearer t2";

        var request = AuthRequest.From(context);

        Assert.Equal(new AuthRequest("GET", "/v1/objects/u/_/a%20b", "os_kid=k&os_sig=x", "Bearer t1", "Bearer t2"), request);
    }

    [Fact]
    public void Missing_headers_and_query_are_null_and_empty()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "HEAD";
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/v1/objects/u/_/k";
        Assert.Equal(new AuthRequest("HEAD", "/v1/objects/u/_/k", "", null, null), AuthRequest.From(context));
    }

    [Fact]
    public void Options_decide_activity_and_enforcement()
    {
        var time = new ManualTime();
        var open = new Authenticator(new AuthOptions(), KeyDirectory.Empty, time, NullLogger<Authenticator>.Instance);
        Assert.False(open.Active);
        var keyed = new AuthOptions { Keys = new Dictionary<string, AuthKeyOptions> { ["k"] = new() } };
        var enforcing = new Authenticator(keyed, KeyDirectory.Empty, time, NullLogger<Authenticator>.Instance);
        Assert.True(enforcing.Active && enforcing.Enforce);
        var logging = new Authenticator(keyed with { Enforce = false }, KeyDirectory.Empty, time, NullLogger<Authenticator>.Instance);
        Assert.True(logging.Active);
        Assert.False(logging.Enforce);
    }
}
