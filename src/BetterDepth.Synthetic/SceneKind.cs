namespace BetterDepth.Synthetic;

/// <summary>What to generate; <see cref="Mixed"/> lets the seed choose indoor or outdoor.</summary>
public enum SceneKind { Indoor, Outdoor, Mixed }
