// What the serve page uses of three.js; scripts/build-web.sh bundles this (tree-shaken, minified) into
// src/BetterDepth.Cli/Serve/wwwroot/three.bundle.js so the page loads nothing from the internet.
export {
  WebGLRenderer, Scene, PerspectiveCamera, BufferGeometry, BufferAttribute, Float32BufferAttribute,
  Points, PointsMaterial, Mesh, MeshBasicMaterial, Color, DoubleSide,
} from 'three';
export { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
