using IrminSharp.Merge;
using Xunit;

namespace IrminSharp.Merge.Tests;

public sealed class ContentTypesTests
{
    private sealed class NameOf : IContentTypeVisitor<string>
    {
        public string Visit<T>(IContentType<T> type) => type.Name + ":" + typeof(T).Name;
    }

    [Fact]
    public void ContentTypes_EveryName_VisitsTheTypeOfThatName()
    {
        Assert.Equal(["bytes", "string", "json", "counter"], ContentTypes.Names);
        var visited = ContentTypes.Names.Select(n => ContentTypes.TryVisit(n, new NameOf(), out var r) ? r : "missing");
        Assert.Equal(["bytes:Byte[]", "string:String", "json:JsonNode", "counter:Int64"], visited);
    }

    [Fact]
    public void ContentTypes_UnknownName_IsNotFound()
    {
        Assert.False(ContentTypes.TryVisit("Counter", new NameOf(), out _));
        Assert.False(ContentTypes.TryVisit("lines", new NameOf(), out _));
    }

    [Fact]
    public void ContentTypes_Properties_AreTheInstances()
    {
        Assert.Same(BytesContents.Instance, ContentTypes.Bytes);
        Assert.Same(StringContents.Instance, ContentTypes.String);
        Assert.Same(JsonContents.Instance, ContentTypes.Json);
        Assert.Same(CounterContents.Instance, ContentTypes.Counter);
    }
}
