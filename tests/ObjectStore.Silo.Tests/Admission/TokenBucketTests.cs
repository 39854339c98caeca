using ObjectStore.Gateway.Admission;

namespace ObjectStore.Silo.Tests.Admission;

public sealed class TokenBucketTests
{
    [Fact]
    public void A_rate_below_one_per_second_still_admits_one_request_per_period()
    {
        var time = new ManualTime();
        var bucket = new TokenBucket(0.2, 0, time);
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(bucket.TryTake());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(bucket.TryTake());
    }
}
