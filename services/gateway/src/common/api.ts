/** Every REST route lives under this prefix (declared per controller so route introspection sees full paths). */
export const API = 'api/v1';
