using System.Globalization;
using System.Text;

namespace IrminSharp.Sync;

/// <summary>
/// Text from a peer made safe to print: control characters (C0, DEL, C1) and the Unicode
/// formatting characters that reorder or hide text (bidirectional overrides, zero-width marks)
/// become <c>\u{XXXX}</c>-style escapes, so a hostile peer's message cannot drive a terminal
/// (clear the screen, set the title) or forge a log line.
/// </summary>
public static class PrintableText
{
    /// <summary><paramref name="text"/> with every control or formatting character escaped.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var clean = true;
        foreach (var c in text)
        {
            if (NeedsEscape(c))
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (NeedsEscape(c))
            {
                builder.Append("\\u{").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)).Append('}');
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;
}
