using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>The serve config file (<c>irmin serve --config</c>): grants by line, and errors that name the line.</summary>
public sealed class SyncAuthorizationFileTests
{
    private static readonly string Reader = new('a', 64);
    private static readonly string Writer = new('b', 64);
    private static readonly string[] Served = ["default", "docs"];

    [Fact]
    public void Grants_add_up_by_client_and_store_and_comments_are_ignored()
    {
        var text = $"""
            # who may do what
            read  {Reader}  *        # every store

            write {Writer.ToUpperInvariant()} docs
            force {Writer} default
            	read {Writer} docs
            """;
        var authorization = SyncAuthorizationFile.Parse(text.Replace("\n", "\r\n", StringComparison.Ordinal), "serve.conf", Served);

        Assert.Equal(StoreAccess.Read, authorization.AccessOf(Reader, "default"));
        Assert.Equal(StoreAccess.Read, authorization.AccessOf(Reader, "docs"));
        Assert.Equal(StoreAccess.Force, authorization.AccessOf(Writer, "default"));
        Assert.Equal(StoreAccess.Write, authorization.AccessOf(Writer, "docs"));
        Assert.Equal(StoreAccess.None, authorization.AccessOf(new string('c', 64), "default"));
        Assert.Equal([Reader, Writer], authorization.Clients.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("admin {0} default", "serve.conf line 2: 'admin' is not an access (read, write or force)")]
    [InlineData("read {0}", "serve.conf line 2: a line is ACCESS FINGERPRINT STORE...")]
    [InlineData("read", "serve.conf line 2: a line is ACCESS FINGERPRINT STORE...")]
    [InlineData("write abc default", "serve.conf line 2: 'abc' is not a certificate fingerprint")]
    [InlineData("write {0} defualt", "serve.conf line 2: no store named 'defualt' is served (served: default, docs)")]
    public void A_bad_line_is_an_error_naming_the_line(string line, string says)
    {
        var text = $"read {Reader} default\n{string.Format(System.Globalization.CultureInfo.InvariantCulture, line, Writer)}\nforce {Writer} *\n";
        var e = Assert.Throws<ArgumentException>(() => SyncAuthorizationFile.Parse(text, "serve.conf", Served));
        Assert.StartsWith(says, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_options_grant_allowed_clients_write_everywhere_without_force()
    {
        var options = new SyncServerOptions
        {
            AllowedClients = [Writer.ToUpperInvariant()],
            Authorization = new SyncAuthorization([new StoreGrant(Reader, "docs", StoreAccess.Read), new StoreGrant(Writer, "docs", StoreAccess.Force)]),
        };
        var authorization = SyncAuthorization.Of(options);

        Assert.Equal(StoreAccess.Write, authorization.AccessOf(Writer, "default"));
        Assert.Equal(StoreAccess.Force, authorization.AccessOf(Writer, "docs"));
        Assert.Equal(StoreAccess.Read, authorization.AccessOf(Reader, "docs"));
        Assert.Equal(StoreAccess.None, authorization.AccessOf(Reader, "default"));
    }
}
