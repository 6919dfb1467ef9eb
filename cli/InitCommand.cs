using System.CommandLine;

namespace IrminSharp.Cli;

/// <summary><c>irmin init</c>: create a store.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var contents = new Option<string>("--contents")
        {
            Description = "The type of the values: " + string.Join(", ", ContentKinds.Names),
            DefaultValueFactory = _ => "string",
        };
        contents.AcceptOnlyFromAmong(ContentKinds.Names);
        var size = new Option<long>("--size")
        {
            Description = "The size of a new pack file in MiB (sparse; ignored for devices)",
            DefaultValueFactory = _ => 1024,
        };
        var command = new Command("init", "Create a store") { contents, size };
        command.SetAction(result =>
        {
            var location = GlobalOptions.Location(result);
            var kind = result.GetValue(contents)!;
            var mib = result.GetValue(size);
            if (mib <= 0)
            {
                throw new ArgumentException("--size must be positive");
            }

            using (location.Create(kind, mib << 20))
            {
            }

            Console.Out.WriteLine($"initialized an empty {kind} store in {location.Target}");
            return 0;
        });
        return command;
    }
}
