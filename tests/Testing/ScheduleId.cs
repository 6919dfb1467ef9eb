using System.Globalization;
using System.Text;

namespace IrminSharp.Testing;

/// <summary>
/// Names one schedule so that <see cref="ScheduleExplorer.Replay"/> runs it again. Its text form,
/// printed in every failure, round-trips through <see cref="Parse"/>.
/// </summary>
/// <remarks>
/// A random or PCT schedule is fixed by the seed and the index (and, for PCT, the depth and the
/// step estimate in force); a DFS schedule by its list of choices.
/// </remarks>
public sealed class ScheduleId
{
    private ScheduleId(ScheduleStrategy strategy, int seed, int index, int pctDepth, int pctSteps, IReadOnlyList<int> choices)
    {
        Strategy = strategy;
        Seed = seed;
        Index = index;
        PctDepth = pctDepth;
        PctSteps = pctSteps;
        Choices = choices;
    }

    /// <summary>The strategy that made the schedule: never <see cref="ScheduleStrategy.Portfolio"/>.</summary>
    public ScheduleStrategy Strategy { get; }

    /// <summary>The exploration's seed.</summary>
    public int Seed { get; }

    /// <summary>The schedule's index in its exploration, from 0.</summary>
    public int Index { get; }

    /// <summary>For PCT, the depth d.</summary>
    public int PctDepth { get; }

    /// <summary>For PCT, the step estimate k that change points were drawn from.</summary>
    public int PctSteps { get; }

    /// <summary>For DFS, the index into the enabled threads taken at each decision with a choice.</summary>
    public IReadOnlyList<int> Choices { get; }

    /// <summary>A random-walk schedule.</summary>
    public static ScheduleId Random(int seed, int index) => new(ScheduleStrategy.Random, seed, index, 0, 0, []);

    /// <summary>A PCT schedule.</summary>
    public static ScheduleId Pct(int seed, int index, int depth, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        return new(ScheduleStrategy.Pct, seed, index, depth, steps, []);
    }

    /// <summary>A DFS schedule, given by its choices; the seed still feeds <see cref="ScheduleRun.Random"/>.</summary>
    public static ScheduleId Dfs(int seed, int index, IReadOnlyList<int> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        return new(ScheduleStrategy.Dfs, seed, index, 0, 0, choices.ToArray());
    }

    /// <summary>Reads the form that <see cref="ToString"/> writes.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not such a form.</exception>
    public static ScheduleId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new FormatException("An empty schedule id.");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"'{part}' in schedule id '{text}' is not name=value.");
            }

            fields[part[..eq]] = part[(eq + 1)..];
        }

        int Field(string name) => fields.TryGetValue(name, out var value)
            && int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw new FormatException($"Schedule id '{text}' has no valid '{name}='.");

        return parts[0] switch
        {
            "random" => Random(Field("seed"), Field("schedule")),
            "pct" => Pct(Field("seed"), Field("schedule"), Field("depth"), Field("steps")),
            "dfs" => Dfs(Field("seed"), Field("schedule"), ParseChoices(fields.GetValueOrDefault("choices", ""), text)),
            _ => throw new FormatException($"Schedule id '{text}' names no strategy (random, pct, dfs)."),
        };
    }

    /// <inheritdoc/>
    public override string ToString() => Strategy switch
    {
        ScheduleStrategy.Random => string.Create(CultureInfo.InvariantCulture, $"random seed={Seed} schedule={Index}"),
        ScheduleStrategy.Pct => string.Create(CultureInfo.InvariantCulture, $"pct seed={Seed} schedule={Index} depth={PctDepth} steps={PctSteps}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"dfs seed={Seed} schedule={Index} choices={FormatChoices()}"),
    };

    private string FormatChoices()
    {
        var text = new StringBuilder();
        foreach (var choice in Choices)
        {
            text.Append(text.Length == 0 ? "" : ".").Append(choice.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static int[] ParseChoices(string value, string text)
    {
        if (value.Length == 0)
        {
            return [];
        }

        return value.Split('.').Select(part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var choice)
            ? choice
            : throw new FormatException($"Schedule id '{text}' has an invalid choice '{part}'.")).ToArray();
    }
}
