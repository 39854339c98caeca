using ObjectStore.Gateway.Auth;

namespace ObjectStore.Silo.Tests.Auth;

public sealed class RawQueryTests
{
    [Theory]
    [InlineData("a+b", "a b")]
    [InlineData("caf%C3%A9", "café")]
    [InlineData("100%", "100%")]
    [InlineData("%zz%4", "%zz%4")]
    [InlineData("%2B%2b", "++")]
    [InlineData("plain", "plain")]
    [InlineData("%FF", "\uFFFD")]
    public void Form_decoding_turns_plus_into_space_and_keeps_bad_escapes(string raw, string decoded) =>
        Assert.Equal(decoded, RawQuery.FormDecode(raw));

    [Fact]
    public void Get_finds_decoded_names_and_flags_duplicates()
    {
        Assert.Equal("x y", RawQuery.Get("a=1&os%5Fauth=x+y", "os_auth", out var dup));
        Assert.False(dup);
        Assert.Equal("1", RawQuery.Get("k=1&&k=2", "k", out dup));
        Assert.True(dup);
        Assert.Equal("", RawQuery.Get("flag", "flag", out _));
        Assert.Null(RawQuery.Get("", "k", out _));
    }

    [Fact]
    public void HasRawKey_compares_the_undecoded_key_case_sensitively()
    {
        Assert.True(RawQuery.HasRawKey("a=1&os_sig=x", "os_sig"));
        Assert.True(RawQuery.HasRawKey("os_sig", "os_sig"));
        Assert.False(RawQuery.HasRawKey("os%5Fsig=x", "os_sig"));
        Assert.False(RawQuery.HasRawKey("OS_SIG=x", "os_sig"));
        Assert.False(RawQuery.HasRawKey("x=os_sig", "os_sig"));
    }
}
