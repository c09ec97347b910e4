using System.Text;

namespace BetterDepth;

/// <summary>
/// Error messages are one line (the README's promise: bad input gets one line naming the file). Paths, tensor names
/// and config values come from the user and may hold a newline or a terminal escape, so they are shown escaped:
/// a newline as \n, other control characters as \uXXXX.
/// </summary>
public static class OneLine
{
    public static string Escape(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }
}
