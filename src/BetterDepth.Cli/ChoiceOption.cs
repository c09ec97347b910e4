using System.CommandLine;
using System.Text;

namespace BetterDepth.Cli;

/// <summary>
/// An option that takes one of a few names: written dashed and lowercase in help (affine-depth), read ignoring case,
/// dashes and underscores (AffineDepth and affine_depth also work), turned into <typeparamref name="T"/> by
/// <see cref="Value"/>. The option holds the name, so help shows the dashed default.
/// </summary>
public sealed class ChoiceOption<T> : Option<string>
{
    readonly (string Name, T Value)[] choices;

    public ChoiceOption(string name, string description, string defaultName, params (string Name, T Value)[] choices) : base(name)
    {
        this.choices = choices;
        if (Find(defaultName) is null) throw new ArgumentException($"{name}: the default '{defaultName}' is not a choice", nameof(defaultName));
        Description = description;
        HelpName = string.Join("|", choices.Select(c => c.Name));
        DefaultValueFactory = _ => defaultName;
        Validators.Add(result =>
        {
            var given = result.GetValueOrDefault<string>();
            if (given is not null && Find(given) is null)
                result.AddError($"{result.IdentifierToken?.Value ?? name}: '{given}' is not one of {string.Join(", ", choices.Select(c => c.Name))}");
        });
    }

    /// <summary>The choice given (or the default); the validator has refused any other name before a command runs.</summary>
    public T Value(ParseResult parse) => Find(parse.GetValue(this)!)!.Value.Value;

    (string Name, T Value)? Find(string given)
    {
        var key = Key(given);
        foreach (var c in choices) if (Key(c.Name) == key) return c;
        return null;
    }

    static string Key(string name) => name.Replace("-", "").Replace("_", "").ToLowerInvariant();
}

/// <summary>Choice options over every member of an enum, named by its members in dashed lowercase.</summary>
public static class ChoiceOption
{
    public static ChoiceOption<TEnum> ForEnum<TEnum>(string name, string description, TEnum defaultValue) where TEnum : struct, Enum =>
        new(name, description, Dashed(defaultValue.ToString()), Enum.GetValues<TEnum>().Select(v => (Dashed(v.ToString()), v)).ToArray());

    /// <summary>AffineDisparity -> affine-disparity.</summary>
    public static string Dashed(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 4);
        for (int i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i])) sb.Append('-');
            sb.Append(char.ToLowerInvariant(pascal[i]));
        }
        return sb.ToString();
    }
}
