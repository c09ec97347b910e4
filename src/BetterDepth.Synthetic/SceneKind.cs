namespace BetterDepth.Synthetic;

/// <summary>
/// What to generate. <see cref="Desk"/> is close-up (a cluttered desk, or an object in front of a backdrop, at 0.3-4 m);
/// <see cref="Pavement"/> is a street seen by a pedestrian from the pavement, façades a metre or two away beside distant
/// ones; <see cref="Mixed"/> lets the seed choose indoor or outdoor (half each), <see cref="Varied"/> indoor, outdoor or desk (0.4 / 0.4 / 0.2).
/// </summary>
public enum SceneKind { Indoor, Outdoor, Mixed, Desk, Varied, Pavement }
