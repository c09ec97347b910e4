using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace BetterDepth.Cli;

/// <summary>
/// What is wrong with a command line, as the one line the README promises for bad input (System.CommandLine's own
/// handling prints every error and the whole help and exits with 1). Also catches what the parser lets through: a
/// misspelt option after a command that takes any number of paths is parsed as one more path.
/// </summary>
public static class ParseProblems
{
    /// <summary>The first problem, or null when the command line can run (help and --version always can).</summary>
    public static string? First(ParseResult parse)
    {
        // --help and --version run instead of the command, whatever else the line holds
        if (parse.Action is not ParseErrorAction && parse.Action != parse.CommandResult.Command.Action) return null;
        if (UnknownOption(parse) is { } unknown) return unknown;
        if (parse.Errors.Count == 0) return null;
        // An unknown word says more than the "command missing" that comes with it.
        var error = parse.Errors.FirstOrDefault(e => e.SymbolResult is CommandResult && parse.UnmatchedTokens.Count > 0) ?? parse.Errors[0];
        return Describe(parse, error);
    }

    /// <summary>A word that looks like an option but was taken as a path (only words after "--" may start with '-').</summary>
    static string? UnknownOption(ParseResult parse)
    {
        var afterDoubleDash = parse.Tokens.SkipWhile(t => t.Type != TokenType.DoubleDash).ToHashSet(ReferenceEqualityComparer.Instance);
        var word = parse.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens)
            .FirstOrDefault(t => LooksLikeOption(t.Value) && !afterDoubleDash.Contains(t));
        return word is null ? null : $"{CommandName(parse.CommandResult)}: unknown option {word.Value} (see {HelpHint(parse.CommandResult)})";
    }

    static bool LooksLikeOption(string word) => word.Length > 1 && word[0] == '-' && !char.IsAsciiDigit(word[1]) && word[1] != '.';

    static string Describe(ParseResult parse, ParseError error)
    {
        switch (error.SymbolResult)
        {
            case OptionResult option:
                return DescribeOption(parse, option, error.Message);
            case ArgumentResult { Parent: OptionResult option }:
                return DescribeOption(parse, option, error.Message);
            case ArgumentResult argument when argument.Tokens.Count == 0:
                return $"{CommandName(parse.CommandResult)}: missing <{argument.Argument.Name}> (see {HelpHint(parse.CommandResult)})";
            case CommandResult command when parse.UnmatchedTokens.Count > 0:
                var word = parse.UnmatchedTokens[0];
                if (command.Command is RootCommand) return $"unknown command '{word}' (see betterdepth --help)";
                return LooksLikeOption(word)
                    ? $"{CommandName(command)}: unknown option {word} (see {HelpHint(command)})"
                    : $"{CommandName(command)}: unexpected argument '{word}' (see {HelpHint(command)})";
            case CommandResult command when command.Command.Subcommands.Count > 0:
                return $"{Prefix(command)}give a command: {string.Join(", ", command.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))} (see {HelpHint(command)})";
            default:
                return error.Message;
        }
    }

    static string DescribeOption(ParseResult parse, OptionResult result, string message)
    {
        var option = result.Option;
        var name = result.IdentifierToken?.Value ?? Spelling(option);
        if (result.IdentifierToken is null) return $"{Prefix(parse.CommandResult)}{name} is required (see {HelpHint(parse.CommandResult)})";
        if (result.Tokens.Count == 0) return $"{name} needs a value";
        if (result.Tokens.Count > 1 && option.Arity.MaximumNumberOfValues == 1) return $"{name} is given more than once";
        // conversion is the only check a typed option has; the project's own checks word their messages themselves
        var value = result.Tokens[0].Value;
        return (Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType) switch
        {
            var t when t == typeof(int) || t == typeof(long) => $"{name}: '{value}' is not an integer",
            var t when t == typeof(double) || t == typeof(float) => $"{name}: '{value}' is not a number",
            var t when t == typeof(bool) => $"{name}: '{value}' is not true or false",
            _ => message.StartsWith(name, StringComparison.Ordinal) ? message : $"{name}: {message}",
        };
    }

    /// <summary>How help names an option: short alias first, as in "-o/--output".</summary>
    public static string Spelling(Option option) =>
        string.Join("/", option.Aliases.Where(a => a.Length == 2).Append(option.Name));

    static string CommandName(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? r = command; r is CommandResult c && c.Command is not RootCommand; r = r.Parent) names.Insert(0, c.Command.Name);
        return string.Join(" ", names);
    }

    static string Prefix(CommandResult command) => command.Command is RootCommand ? "" : CommandName(command) + ": ";

    static string HelpHint(CommandResult command) =>
        command.Command is RootCommand ? "betterdepth --help" : $"betterdepth {CommandName(command)} --help";
}
