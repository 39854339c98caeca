using System.Text;
using ObjectStore.Runtime.Grains;
using ObjectStore.Runtime.Placement;

namespace ObjectStore.Runtime.Tests.Placement;

public sealed class GrainHashTests
{
    [Theory]
    [InlineData("", 0xEF46DB3751D8E999UL)]
    [InlineData("a", 0xD24EC4F1A98C6E5BUL)]
    [InlineData("abc", 0x44BC2CF5AD770999UL)]
    [InlineData("Nobody inspects the spammish repetition", 0xFBCEA83C8A378BF1UL)]
    public void XxHash64_matches_the_reference_vectors(string input, ulong expected)
    {
        Assert.Equal(expected, GrainHash.XxHash64(Encoding.UTF8.GetBytes(input)));
    }

    [Fact]
    public void The_grain_hash_covers_type_and_key_with_a_separator()
    {
        Assert.Equal(GrainHash.XxHash64("probe\0k1"u8), new GrainId("probe", "k1").Hash);
        Assert.NotEqual(new GrainId("ab", "c").Hash, new GrainId("a", "bc").Hash);
        Assert.Equal(new GrainId("probe", new string('x', 2000)).Hash, GrainHash.Of("probe", new string('x', 2000)));
    }
}
